/**
 * Every error a procedure can throw reaches a REST client with the HTTP status tRPC gives its code
 * (tRPC's own mapping), in FastAPI's `{"detail": ...}` shape. Access rules, rate limits and an
 * unavailable database are other parts' work, so a mocked PrismaClient throws their errors here.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mockDeep, mockReset } from 'vitest-mock-extended';
import { createApp } from '../../src/app.js';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { testConfig } from '../support/config.js';
import { rest } from './support.js';

const SONG_ID = '6f1c2b1e-4a5d-4e8f-9a0b-1c2d3e4f5a6b';
const prisma = mockDeep<PrismaClient>();
let server: Server;
let url: string;

beforeAll(async () => {
  server = createServer(createApp({ prisma, ping: async () => {} }, testConfig()));
  await new Promise<void>((resolve) => server.listen(0, resolve));
  url = `http://localhost:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => mockReset(prisma));
afterEach(() => vi.restoreAllMocks());

describe('a procedure error answers with the status tRPC gives its code', () => {
  it.each([
    ['UNAUTHORIZED', 401],
    ['FORBIDDEN', 403],
    ['CONFLICT', 409],
    ['PRECONDITION_FAILED', 412],
    ['TOO_MANY_REQUESTS', 429],
    ['SERVICE_UNAVAILABLE', 503],
  ] as [TRPC_ERROR_CODE_KEY, number][])('%s → %i with its message as detail', async (code, status) => {
    const consoleError = vi.spyOn(console, 'error');
    prisma.$queryRaw.mockRejectedValue(new TRPCError({ code, message: `${code} here` }));
    const response = await rest(url, `/v1/songs/${SONG_ID}`);
    expect(response).toMatchObject({ status, body: { detail: `${code} here` } });
    expect(consoleError).not.toHaveBeenCalled(); // an answer, not a fault
    // Only a 401 asks for a credential, and only a 503 says when to retry.
    expect(response.headers.get('www-authenticate')).toBe(status === 401 ? 'Bearer' : null);
    expect(response.headers.get('retry-after')).toBe(status === 503 ? '1' : null);
  });

  it('asks for a Bearer credential with a 401', async () => {
    prisma.song.delete.mockRejectedValue(
      new TRPCError({ code: 'UNAUTHORIZED', message: 'A credential is required' }),
    );
    const response = await rest(url, `/v1/songs/${SONG_ID}`, { method: 'DELETE' });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });
});

describe('an unexpected failure', () => {
  it('is a 500 with a generic detail: no SQL, driver text or stack', async () => {
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    const failure = new Error('relation "songs" does not exist: SELECT * FROM songs');
    prisma.$queryRaw.mockRejectedValue(failure);
    const response = await rest(url, '/v1/songs');
    expect(response).toMatchObject({ status: 500, body: { detail: 'Internal server error' } });
    expect(JSON.stringify(response.body)).not.toMatch(/songs|SELECT/);
    expect(consoleError).toHaveBeenCalledExactlyOnceWith(
      'REST: procedure failed:',
      expect.objectContaining({ cause: failure }),
    );
  });

  it('is all that is logged: a request the API refuses is not', async () => {
    const consoleError = vi.spyOn(console, 'error');
    const response = await rest(url, '/v1/songs?limit=x');
    expect(response.status).toBe(422);
    expect(consoleError).not.toHaveBeenCalled();
  });
});
