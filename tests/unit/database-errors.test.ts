/**
 * Failures a real database will not produce on demand (driver errors, a lost connection, a full
 * pool), with a mocked PrismaClient: which contract code each becomes, which reads run again,
 * and what a client and the log see of them over HTTP.
 */
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { TRPCError } from '@trpc/server';
import type { Request } from 'express';
import superjson from 'superjson';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockDeep } from 'vitest-mock-extended';
import { generateApiKey } from '../../src/access/api-keys.js';
import { createAccess } from '../../src/access/index.js';
import { Prisma, type PrismaClient } from '../../src/generated/prisma/client.js';
import { type AppRouter, createCaller } from '../../src/router.js';
import { serve } from '../../src/server.js';
import { captureLogs } from '../http/log-capture.js';
import { testConfig } from '../support/config.js';
import { songInput, TEST_WRITER } from '../support/factories.js';

const SONG_ID = '6f1c2b1e-4a5d-4e8f-9a0b-1c2d3e4f5a6b';
const SONG = {
  id: SONG_ID,
  name: 'Glass Tides',
  artist: 'Nova Reyes',
  streams: 1,
  releasedOn: new Date('2020-01-01T00:00:00.000Z'),
  createdAt: new Date('2020-01-01T00:00:00.000Z'),
  updatedAt: new Date('2020-01-01T00:00:00.000Z'),
};

function knownError(
  code: string,
  message = `Invalid \`prisma.song.x()\` invocation: ${code}`,
  meta?: Record<string, unknown>,
) {
  return new Prisma.PrismaClientKnownRequestError(message, {
    code,
    clientVersion: Prisma.prismaVersion.client,
    ...(meta ? { meta } : {}),
  });
}

/** What adapter-pg throws, and what Prisma wraps it in (`meta.driverAdapterError`). */
const adapterError = (cause: object) =>
  Object.assign(new Error('DriverAdapterError'), { name: 'DriverAdapterError', cause });
const postgresError = (sqlState: string) =>
  knownError('P2039', `Database error. Code: \`${sqlState}\`. Message: \`SELECT … FROM songs\``, {
    driverAdapterError: adapterError({ kind: 'postgres', originalCode: sqlState, originalMessage: 'x' }),
  });

/** What the pg driver throws when the server goes away mid-query. */
const connectionLost = () =>
  Object.assign(new Error('Connection terminated unexpectedly: SELECT "public"."songs"."id" FROM "songs"'), {
    code: 'ECONNRESET',
  });

async function trpcError(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe('database errors through createCaller', () => {
  it('maps a unique violation (P2002) on create to CONFLICT', async () => {
    const prisma = mockDeep<PrismaClient>();
    prisma.song.create.mockRejectedValue(knownError('P2002'));
    const error = await trpcError(createCaller({ prisma, auth: TEST_WRITER }).song.create(songInput()));
    expect(error.code).toBe('CONFLICT');
  });

  it('maps a unique violation (P2002) on update to CONFLICT', async () => {
    const prisma = mockDeep<PrismaClient>();
    prisma.song.update.mockRejectedValue(knownError('P2002'));
    const error = await trpcError(
      createCaller({ prisma, auth: TEST_WRITER }).song.update({ id: SONG_ID, data: { name: 'x' } }),
    );
    expect(error.code).toBe('CONFLICT');
  });

  it('maps a missing record (P2025) on delete to NOT_FOUND', async () => {
    const prisma = mockDeep<PrismaClient>();
    prisma.song.delete.mockRejectedValue(knownError('P2025'));
    const error = await trpcError(createCaller({ prisma, auth: TEST_WRITER }).song.delete({ id: SONG_ID }));
    expect(error.code).toBe('NOT_FOUND');
  });

  it.each<[string, () => unknown]>([
    ['database unreachable (P1001, ECONNREFUSED)', () => knownError('P1001')],
    ['connection closed by the server (P1017)', () => knownError('P1017')],
    ['socket timeout (P1008)', () => knownError('P1008')],
    ['pool timeout (P2024)', () => knownError('P2024')],
    ['write conflict (P2034, SQLSTATE 40001)', () => knownError('P2034')],
    ['too many connections (P2037, SQLSTATE 53300)', () => knownError('P2037')],
    [
      'transaction start timeout (P2028)',
      () => knownError('P2028', 'Transaction API error: Unable to start a transaction in the given time.'),
    ],
    ['statement timeout (SQLSTATE 57014)', () => postgresError('57014')],
    ['server shutting down (SQLSTATE 57P01)', () => postgresError('57P01')],
    [
      'a new connection refused (SQLSTATE 55000, FATAL: database not accepting connections)',
      () =>
        knownError('P2039', 'Database error. Code: `55000`.', {
          driverAdapterError: adapterError({ kind: 'postgres', originalCode: '55000', severity: 'FATAL' }),
        }),
    ],
    ['deadlock (SQLSTATE 40P01)', () => postgresError('40P01')],
    ['an unwrapped DriverAdapterError', () => adapterError({ kind: 'DatabaseNotReachable', host: 'db' })],
    [
      'a socket error from pg',
      () =>
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
          code: 'ECONNREFUSED',
          syscall: 'connect',
          errno: -111,
        }),
    ],
    [
      'a PostgreSQL error from pg',
      () =>
        Object.assign(new Error('canceling statement due to statement timeout'), {
          code: '57014',
          severity: 'ERROR',
        }),
    ],
    ['a full pg pool', () => new Error('timeout exceeded when trying to connect')],
    [
      'a failed engine start',
      () => new Prisma.PrismaClientInitializationError("Can't reach database server", '7'),
    ],
  ])('maps %s to SERVICE_UNAVAILABLE', async (_, cause) => {
    const prisma = mockDeep<PrismaClient>();
    prisma.$queryRaw.mockRejectedValue(cause());
    const error = await trpcError(createCaller({ prisma, auth: null }).song.byId({ id: SONG_ID }));
    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect(error.message).toBe('The database is unavailable or busy; retry shortly');
  });

  it.each<[string, () => unknown]>([
    ['an unexpected Prisma error (P2010)', () => knownError('P2010')],
    ['a value out of range (P2020): an input validation missed', () => knownError('P2020')],
    ['a bad datetime (P2039, SQLSTATE 22008): an input validation missed', () => postgresError('22008')],
    [
      'any other transaction error (P2028)',
      () => knownError('P2028', 'Transaction API error: Transaction not found.'),
    ],
    ['a plain bug', () => new TypeError('x is not a function')],
  ])('reports %s as INTERNAL_SERVER_ERROR', async (_, cause) => {
    const prisma = mockDeep<PrismaClient>();
    prisma.$queryRaw.mockRejectedValue(cause());
    const error = await trpcError(createCaller({ prisma, auth: null }).song.byId({ id: SONG_ID }));
    expect(error.code).toBe('INTERNAL_SERVER_ERROR');
  });

  it('runs a read once more after a lost connection, and answers if the second try works', async () => {
    const prisma = mockDeep<PrismaClient>();
    prisma.$queryRaw.mockRejectedValueOnce(connectionLost()).mockResolvedValueOnce([SONG] as never);
    const song = await createCaller({ prisma, auth: null }).song.byId({ id: SONG_ID });
    expect(song.id).toBe(SONG_ID);
    expect(prisma.$queryRaw).toHaveBeenCalledTimes(2);
  });

  it('runs a read only twice in all when the connection stays lost', async () => {
    const prisma = mockDeep<PrismaClient>();
    prisma.$queryRaw.mockRejectedValue(connectionLost());
    const error = await trpcError(createCaller({ prisma, auth: null }).song.byId({ id: SONG_ID }));
    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect(prisma.$queryRaw).toHaveBeenCalledTimes(2);
  });

  it('does not run a read again after a statement timeout (it would time out again)', async () => {
    const prisma = mockDeep<PrismaClient>();
    prisma.$queryRaw.mockRejectedValue(postgresError('57014'));
    await trpcError(createCaller({ prisma, auth: null }).song.byId({ id: SONG_ID }));
    expect(prisma.$queryRaw).toHaveBeenCalledTimes(1);
  });

  it('never runs a write again: whether the first try committed is unknown', async () => {
    const prisma = mockDeep<PrismaClient>();
    prisma.song.create.mockRejectedValue(connectionLost());
    const error = await trpcError(createCaller({ prisma, auth: TEST_WRITER }).song.create(songInput()));
    expect(error.code).toBe('SERVICE_UNAVAILABLE');
    expect(prisma.song.create).toHaveBeenCalledTimes(1);
  });
});

describe('what a client and the log see of a failure over HTTP', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  /** A server whose database answers song.infinite's query with `answer`; returns the response. */
  async function callServer(answer: (prisma: ReturnType<typeof mockDeep<PrismaClient>>) => void) {
    const prisma = mockDeep<PrismaClient>();
    answer(prisma);
    const db = {
      kind: 'pglite' as const,
      prisma,
      migrate: async () => ({ applied: [], alreadyApplied: [] }),
      ping: async () => {},
      openSession: () => Promise.reject(new Error('not used by the API')),
      close: async () => {},
    };
    const logs = captureLogs();
    await using server = await serve(db, testConfig(), logs.logger);
    const response = await fetch(
      `${server.url}/trpc/song.infinite?input=${encodeURIComponent('{"json":{}}')}`,
      {
        headers: { 'x-request-id': 'req-42' },
      },
    );
    const body = await response.text();
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${server.url}/trpc`, transformer: superjson })],
    });
    const error = await client.song.infinite.query({}).catch((error: unknown) => error);
    expect(error).toBeInstanceOf(TRPCClientError);
    return { response, body, error: error as TRPCClientError<AppRouter>, logs: logs.lines };
  }

  it('a fault is a 503 with Retry-After, and the log has its cause under the request id', async () => {
    const { response, error, logs } = await callServer((prisma) =>
      prisma.$queryRaw.mockRejectedValue(knownError('P1001')),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(error.data?.code).toBe('SERVICE_UNAVAILABLE');
    const warning = logs.find((line) => line.msg === 'database unavailable');
    expect(warning).toMatchObject({
      requestId: 'req-42',
      procedure: 'song.infinite',
      err: { code: 'P1001' },
    });
  });

  it('in production: a generic message, no driver text and no stack; the log keeps the cause', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const { response, body, error, logs } = await callServer((prisma) =>
      prisma.$queryRaw.mockRejectedValue(
        new TypeError('Cannot read properties of undefined (reading "songs")'),
      ),
    );
    expect(response.status).toBe(500);
    expect(error.message).toBe('Internal server error');
    expect(body).not.toMatch(/Cannot read|songs"|stack|\.ts:/);
    const failure = logs.find((line) => line.msg === 'procedure failed');
    expect(failure).toMatchObject({
      requestId: 'req-42',
      // The cause itself, not tRPC's wrapper of it.
      err: { type: 'TypeError', message: expect.stringContaining('Cannot read') },
    });
  });

  it('a call refused for the client’s reasons is logged as neither a fault nor an outage', async () => {
    const { response, logs } = await callServer((prisma) =>
      prisma.$queryRaw.mockRejectedValue(new TRPCError({ code: 'CONFLICT', message: 'taken' })),
    );
    expect(response.status).toBe(409);
    expect(logs.map((line) => line.msg)).not.toContain('database unavailable');
    expect(logs.map((line) => line.msg)).not.toContain('procedure failed');
  });

  it('in development: the cause and a stack are shown to help debugging', async () => {
    vi.stubEnv('NODE_ENV', 'development');
    const { error } = await callServer((prisma) =>
      prisma.$queryRaw.mockRejectedValue(new TypeError('boom in dev')),
    );
    expect(error.message).toContain('boom in dev');
    expect(error.data?.stack).toEqual(expect.any(String));
  });

  it('in production: a row that fails output validation shows neither its data nor zod issues', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    const corrupt = { id: 'x', name: 'Secret', artist: 'A', streams: 1, releasedOn: 'not a date' };
    const { error } = await callServer((prisma) => prisma.$queryRaw.mockResolvedValue([corrupt] as never));
    expect(error.data?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(error.message).toBe('Internal server error');
    expect(error.data?.zodError).toBeNull();
    expect(JSON.stringify(error.shape)).not.toMatch(/releasedOn|Secret|items/);
  });
});

describe('a credential check that meets a database fault', () => {
  it('is SERVICE_UNAVAILABLE, not an internal error', async () => {
    const prisma = mockDeep<PrismaClient>();
    prisma.apiKey.findUnique.mockRejectedValue(knownError('P1001'));
    const access = createAccess(prisma, testConfig());
    const req = { headers: { authorization: `Bearer ${generateApiKey()}` } } as Request;
    const error = await access.createRequestContext(req).catch((error: unknown) => error);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('SERVICE_UNAVAILABLE');
    await access.close();
  });
});
