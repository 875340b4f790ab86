/**
 * PostgreSQL only: the time limits of openDatabase's options hold for the API's queries, and the
 * errors they surface as through Prisma (which the API maps to SERVICE_UNAVAILABLE).
 */
import { afterEach, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../src/db/index.js';

const serverUrl = process.env.TEST_DATABASE_URL as string;

let db: Database | undefined;
afterEach(() => db?.close());

const failure = async (promise: Promise<unknown>) => {
  const started = performance.now();
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught as Error & { code?: string; meta?: Record<string, unknown> },
  );
  return { error, ms: performance.now() - started };
};

it('cancels an API statement that runs past the statement timeout', async () => {
  db = await openDatabase(serverUrl, { poolSize: 2, poolTimeoutMs: 1000, statementTimeoutMs: 200 });
  const { error, ms } = await failure(db.prisma.$queryRaw`SELECT pg_sleep(5)::text`);
  expect(error).toMatchObject({ name: 'PrismaClientKnownRequestError', code: 'P2010' });
  expect(error?.message).toContain('57014');
  expect(ms).toBeLessThan(3000);
});

it('gives up waiting for a pooled connection after the pool timeout', async () => {
  db = await openDatabase(serverUrl, { poolSize: 1, poolTimeoutMs: 300, statementTimeoutMs: 10_000 });
  await db.prisma.$queryRaw`SELECT 1`; // the one connection is open: the timeout is the wait's alone
  // Prisma queries are lazy: then() sends this one, which holds the connection for 3 s.
  const busy = db.prisma.$queryRaw`SELECT pg_sleep(3)::text`.then(() => 'done');
  await new Promise((resolve) => setTimeout(resolve, 100));
  const { error, ms } = await failure(db.prisma.$queryRaw`SELECT 1`);
  // pg-pool's own error, not wrapped by Prisma (no code).
  expect(error?.message).toBe('timeout exceeded when trying to connect');
  expect(ms).toBeLessThan(2500);
  expect(await busy).toBe('done');
});

it("bounds a transaction's wait for a connection (maxWait) and its run (timeout)", async () => {
  db = await openDatabase(serverUrl, { poolSize: 1, poolTimeoutMs: 200, statementTimeoutMs: 300 });
  const prisma = db.prisma;
  const { error: tooLong, ms } = await failure(
    prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1`;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await tx.$queryRaw`SELECT 1`;
    }),
  );
  expect(tooLong).toMatchObject({ code: 'P2028' });
  expect(ms).toBeLessThan(1500);
});
