/**
 * Failures a real database will not produce on demand (driver errors, a lost connection), with a
 * mocked PrismaClient: how each reaches a caller, and what a client sees of it in production.
 */
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import { TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mockDeep } from 'vitest-mock-extended';
import { Prisma, type PrismaClient } from '../../src/generated/prisma/client.js';
import { type AppRouter, createCaller } from '../../src/router.js';
import { serve } from '../../src/server.js';
import { testConfig } from '../support/config.js';
import { songInput, TEST_WRITER } from '../support/factories.js';

const SONG_ID = '6f1c2b1e-4a5d-4e8f-9a0b-1c2d3e4f5a6b';

function knownError(code: string): Prisma.PrismaClientKnownRequestError {
  return new Prisma.PrismaClientKnownRequestError(`Invalid \`prisma.song.x()\` invocation: ${code}`, {
    code,
    clientVersion: Prisma.prismaVersion.client,
  });
}

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

  it('reports any other known Prisma error as INTERNAL_SERVER_ERROR', async () => {
    const prisma = mockDeep<PrismaClient>();
    prisma.song.findUnique.mockRejectedValue(knownError('P2010'));
    const error = await trpcError(createCaller({ prisma, auth: TEST_WRITER }).song.byId({ id: SONG_ID }));
    expect(error.code).toBe('INTERNAL_SERVER_ERROR');
  });

  it('reports a lost connection as INTERNAL_SERVER_ERROR', async () => {
    const prisma = mockDeep<PrismaClient>();
    prisma.$transaction.mockRejectedValue(connectionLost());
    const error = await trpcError(createCaller({ prisma, auth: TEST_WRITER }).song.list({}));
    expect(error.code).toBe('INTERNAL_SERVER_ERROR');
  });
});

describe('what a client sees of an internal error over HTTP', () => {
  const previousNodeEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = previousNodeEnv;
    vi.restoreAllMocks();
  });

  /** A server whose database answers song.findMany with `answer`; returns the client's error. */
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
    await using server = await serve(db, testConfig());
    const client = createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${server.url}/trpc`, transformer: superjson })],
    });
    const error = await client.song.infinite.query({}).catch((error: unknown) => error);
    expect(error).toBeInstanceOf(TRPCClientError);
    return error as TRPCClientError<AppRouter>;
  }

  async function callFailingServer() {
    const cause = connectionLost();
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const error = await callServer((prisma) => prisma.song.findMany.mockRejectedValue(cause));
    // The operator still gets the cause, whatever the client was told.
    expect(log).toHaveBeenCalledWith('tRPC song.infinite failed:', cause);
    return error;
  }

  it('in production: a generic message, no driver text and no stack', async () => {
    process.env.NODE_ENV = 'production';
    const error = await callFailingServer();
    expect(error.data?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(error.message).toBe('Internal server error');
    expect(JSON.stringify(error.shape)).not.toMatch(/Connection terminated|SELECT|songs|stack/);
  });

  it('in development: the cause is shown to help debugging', async () => {
    process.env.NODE_ENV = 'development';
    const error = await callFailingServer();
    expect(error.message).toContain('Connection terminated unexpectedly');
  });

  it('in production: a row that fails output validation shows neither its data nor zod issues', async () => {
    process.env.NODE_ENV = 'production';
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const corrupt = { id: 'x', name: 'Secret', artist: 'A', streams: 1, releasedOn: 'not a date' };
    const error = await callServer((prisma) => prisma.song.findMany.mockResolvedValue([corrupt] as never));
    expect(error.data?.code).toBe('INTERNAL_SERVER_ERROR');
    expect(error.message).toBe('Internal server error');
    expect(error.data?.zodError).toBeNull();
    expect(JSON.stringify(error.shape)).not.toMatch(/releasedOn|Secret|items/);
  });
});
