/** The OpenAPI 3.1 document of the REST surface, rendered from the zod shapes of schemas.ts. */
import type { z } from 'zod';
import { createDocument, type ZodOpenApiResponsesObject } from 'zod-openapi';
import {
  restError,
  restPing,
  restSong,
  restSongCreate,
  restSongIdParams,
  restSongListQuery,
  restSongPage,
  restSongRead,
  restSongUpdate,
  restValidationError,
} from './schemas.js';

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema } } });

const invalid = { '422': { description: 'Invalid parameters or body', ...json(restValidationError) } };
const notFound = { '404': { description: 'No song has this id', ...json(restError) } };
const unavailable = {
  '429': { description: 'Too many requests (see Retry-After)', ...json(restError) },
  '503': { description: 'The database is unavailable (see Retry-After)', ...json(restError) },
};
const denied = {
  '401': { description: 'No valid Bearer credential', ...json(restError) },
  '403': { description: 'The credential lacks the scope this needs', ...json(restError) },
};
const conflict = { '409': { description: 'A song with this name and artist exists', ...json(restError) } };

function readResponses(ok: ZodOpenApiResponsesObject): ZodOpenApiResponsesObject {
  return { ...ok, ...invalid, ...denied, ...unavailable };
}
const writeSecurity = [{ bearer: ['songs:write'] }];

export function createRestOpenApiDocument() {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Songs API (REST)',
      version: '1.0.0',
      description:
        "The original FastAPI service's /v1 API, served beside tRPC by the same procedures. " +
        'Reads are public unless the server sets READ_ACCESS=token; writes need a Bearer credential ' +
        'with the songs:write scope.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key or a JWT' },
      },
    },
    paths: {
      '/ping': {
        get: {
          operationId: 'ping',
          summary: 'Liveness, as the original answered it',
          responses: { '200': { description: 'Alive', ...json(restPing) } },
        },
      },
      '/v1/songs': {
        get: {
          operationId: 'listSongs',
          summary: 'A page of songs, filtered and ordered',
          requestParams: { query: restSongListQuery },
          responses: readResponses({ '200': { description: 'A page of songs', ...json(restSongPage) } }),
        },
        post: {
          operationId: 'createSong',
          summary: 'Create a song',
          security: writeSecurity,
          requestBody: { required: true, ...json(restSongCreate) },
          responses: readResponses({
            '201': { description: 'The created song', ...json(restSong) },
            ...conflict,
          }),
        },
      },
      '/v1/songs/{id}': {
        get: {
          operationId: 'getSong',
          summary: 'One song',
          requestParams: { path: restSongIdParams },
          responses: readResponses({
            '200': { description: 'The song', ...json(restSongRead) },
            ...notFound,
          }),
        },
        patch: {
          operationId: 'updateSong',
          summary: 'Change some fields of a song',
          security: writeSecurity,
          requestParams: { path: restSongIdParams },
          requestBody: { required: true, ...json(restSongUpdate) },
          responses: readResponses({
            '200': { description: 'The updated song', ...json(restSong) },
            ...notFound,
            ...conflict,
          }),
        },
        delete: {
          operationId: 'deleteSong',
          summary: 'Delete a song',
          security: writeSecurity,
          requestParams: { path: restSongIdParams },
          responses: readResponses({ '204': { description: 'Deleted' }, ...notFound }),
        },
      },
    },
  });
}
