/**
 * A client generated from /v1/openapi.json (openapi-typescript types + openapi-fetch), as a
 * TypeScript user of the REST API would write it: it type-checks (npm run typecheck) and
 * round-trips create, list, patch and delete against a live server.
 */
import createClient from 'openapi-fetch';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/http.js';
import type { paths } from './openapi-types.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server[Symbol.asyncDispose]());

it('creates, lists, patches and deletes a song with the generated client', async () => {
  const client = createClient<paths>({
    baseUrl: server.url,
    headers: { authorization: `Bearer ${server.writerKey}` },
  });

  const created = await client.POST('/v1/songs', {
    body: { name: 'Levitating', artist: 'Dua Lipa', streams: 2.1, released_on: '2020-03-27' },
  });
  expect(created.response.status).toBe(201);
  const song = created.data;
  if (!song) throw new Error(`create failed: ${JSON.stringify(created.error)}`);
  expect(song).toMatchObject({ name: 'Levitating', released_on: '2020-03-27' });

  const listed = await client.GET('/v1/songs', {
    params: { query: { artist__ilike: '%dua%', order_by: '-streams', limit: 10 } },
  });
  expect(listed.data).toMatchObject({ total: 1, limit: 10, offset: 0, items: [{ id: song.id }] });

  const patched = await client.PATCH('/v1/songs/{id}', {
    params: { path: { id: song.id } },
    body: { streams: 3 },
  });
  expect(patched.data).toEqual({ ...song, streams: 3 });

  const invalid = await client.PATCH('/v1/songs/{id}', {
    params: { path: { id: song.id } },
    body: { released_on: 'tomorrow' },
  });
  expect(invalid.response.status).toBe(422);
  expect(invalid.error?.detail).toEqual([expect.objectContaining({ loc: ['body', 'released_on'] })]);

  const deleted = await client.DELETE('/v1/songs/{id}', { params: { path: { id: song.id } } });
  expect(deleted.response.status).toBe(204);

  const gone = await client.GET('/v1/songs/{id}', { params: { path: { id: song.id } } });
  expect(gone.response.status).toBe(404);
  expect(gone.error).toEqual({ detail: 'Item not found' });
});
