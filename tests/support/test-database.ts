/**
 * A throwaway database per test file, reset before every test.
 *
 *   const db = useTestDatabase();                    // every test starts with no songs
 *   const db = useTestDatabase({ fixture: true });   // every test starts with the 100-song fixture
 *   it('…', async () => { await db.caller.song.create(…) });
 *
 * Each file gets its own copy of the database global-setup.ts built (see throwaway-database.ts);
 * on PostgreSQL it is this worker's own database, `<template>_w<VITEST_POOL_ID>`, so parallel
 * workers never share rows. It is closed (and dropped) after the file.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import type { PrismaClient } from '../../src/db/index.js';
import { createCaller } from '../../src/router.js';
import { TEST_WRITER } from './factories.js';
import {
  openThrowawayDatabase as openCopy,
  resetDatabase,
  type ThrowawayDatabase,
} from './throwaway-database.js';

export type { ThrowawayDatabase } from './throwaway-database.js';
export type Caller = ReturnType<typeof createCaller>;

/**
 * A copy of the run's migrated database for this worker (named after VITEST_POOL_ID, so workers
 * never collide, plus a random part, so one file may hold several); `drop()` it when done.
 */
export function openThrowawayDatabase(): Promise<ThrowawayDatabase> {
  return openCopy(
    inject('databaseSource'),
    `w${process.env.VITEST_POOL_ID ?? '0'}_${randomBytes(3).toString('hex')}`,
  );
}

export interface TestDatabase {
  readonly prisma: PrismaClient;
  /** `createCaller({ prisma, auth })` bound to this file's database, as a caller allowed to write. */
  readonly caller: Caller;
  /** The same database called with no credential. */
  readonly anonymous: Caller;
  /** The raw database, for tests that look below Prisma. */
  readonly database: ThrowawayDatabase;
  /** Resets the database (also done before every test). */
  reset(): Promise<void>;
}

export function useTestDatabase(options: { fixture?: boolean } = {}): TestDatabase {
  let state:
    | { db: ThrowawayDatabase; caller: Caller; anonymous: Caller; reset: () => Promise<void> }
    | undefined;
  const current = () => {
    if (!state) throw new Error('useTestDatabase(): the database is opened in beforeAll');
    return state;
  };

  beforeAll(async () => {
    const db = await openThrowawayDatabase();
    state = {
      db,
      caller: createCaller({ prisma: db.prisma, auth: TEST_WRITER }),
      anonymous: createCaller({ prisma: db.prisma, auth: null }),
      reset: () => resetDatabase(db, { fixture: options.fixture ?? false }),
    };
  });
  beforeEach(() => current().reset());
  afterAll(async () => {
    await state?.db.drop();
  });

  return {
    get prisma() {
      return current().db.prisma;
    },
    get caller() {
      return current().caller;
    },
    get anonymous() {
      return current().anonymous;
    },
    get database() {
      return current().db;
    },
    reset: () => current().reset(),
  };
}
