/**
 * A throwaway database per test file, reset before every test.
 *
 *   const db = useTestDatabase();                    // every test starts with no songs
 *   const db = useTestDatabase({ fixture: true });   // every test starts with the 100-song fixture
 *   it('…', async () => { await db.caller.song.create(…) });
 *
 * PGlite mode loads the migrated snapshot made by global-setup.ts into a fresh in-memory PGlite;
 * PostgreSQL mode clones the migrated template into this worker's own database
 * (`<template>_w<VITEST_POOL_ID>`), so parallel workers never share rows. Both are closed (and the
 * clone dropped) after the file.
 *
 * The reset is one script sent straight to the driver (not through Prisma, whose per-statement
 * overhead would triple its cost): DELETE, plus INSERT … SELECT from `test_support.fixture_songs`
 * in fixture mode. It is skipped when the WAL position shows that nothing was written since the
 * last reset (any write, even a failed one, advances it; a false "dirty" only costs a reset).
 */
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import {
  createPGlite,
  type Database,
  databaseFromPGlite,
  databaseFromPostgres,
  type PrismaClient,
} from '../../src/db/index.js';
import { createCaller } from '../../src/router.js';
import { adminQuery, databaseUrl } from './postgres-admin.js';

export type Caller = ReturnType<typeof createCaller>;

/** A migrated throwaway database and a raw connection to it for test bookkeeping. */
export interface ThrowawayDatabase extends Database {
  /** Runs a multi-statement script and returns the rows of its last statement. */
  script<Row>(sql: string): Promise<Row[]>;
  /** Closes it and, on PostgreSQL, drops it. */
  drop(): Promise<void>;
}

export async function openThrowawayDatabase(): Promise<ThrowawayDatabase> {
  const template = inject('postgresTemplate');
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (template && serverUrl) {
    const name = `${template}_w${process.env.VITEST_POOL_ID ?? '0'}`;
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await adminQuery(serverUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    const url = databaseUrl(serverUrl, name);
    const db = databaseFromPostgres(url);
    const raw = new pg.Client({ connectionString: url });
    await raw.connect();
    return {
      ...db,
      script: async <Row>(sql: string) => {
        const results = await raw.query(sql);
        const last = Array.isArray(results) ? results.at(-1) : results;
        return (last?.rows ?? []) as Row[];
      },
      drop: async () => {
        await raw.end();
        await db.close();
        await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      },
    };
  }
  const snapshot = inject('pgliteSnapshot');
  if (!snapshot) throw new Error('global-setup.ts did not run: use `npm test` (vitest.config.ts)');
  const pglite = await createPGlite(null, { loadDataDir: new Blob([await readFile(snapshot)]) });
  const db = databaseFromPGlite(pglite);
  return {
    ...db,
    script: async <Row>(sql: string) => ((await pglite.exec(sql)).at(-1)?.rows ?? []) as Row[],
    drop: () => db.close(),
  };
}

const EMPTY_SQL = 'DELETE FROM songs;';
const FIXTURE_SQL =
  'BEGIN; DELETE FROM songs; INSERT INTO songs SELECT * FROM test_support.fixture_songs; COMMIT;';
const WAL_POSITION_SQL = 'SELECT pg_current_wal_insert_lsn()::text AS lsn';

/** Resets `db` to the empty or fixture state, skipping the work when nothing was written. */
export function createResetter(db: ThrowawayDatabase, options: { fixture: boolean }) {
  let cleanAt: string | null = null;
  return async function reset(): Promise<void> {
    if (cleanAt !== null) {
      const [now] = await db.script<{ lsn: string }>(WAL_POSITION_SQL);
      if (now?.lsn === cleanAt) return;
    }
    const [after] = await db.script<{ lsn: string }>(
      (options.fixture ? FIXTURE_SQL : EMPTY_SQL) + WAL_POSITION_SQL,
    );
    cleanAt = after?.lsn ?? null;
  };
}

export interface TestDatabase {
  readonly prisma: PrismaClient;
  /** `createCaller({ prisma })` bound to this file's database. */
  readonly caller: Caller;
  /** The raw database, for tests that look below Prisma. */
  readonly database: ThrowawayDatabase;
  /** Resets the database (also done before every test). */
  reset(): Promise<void>;
}

export function useTestDatabase(options: { fixture?: boolean } = {}): TestDatabase {
  let state: { db: ThrowawayDatabase; caller: Caller; reset: () => Promise<void> } | undefined;
  const opened = () => {
    if (!state) throw new Error('useTestDatabase(): the database is opened in beforeAll');
    return state;
  };

  beforeAll(async () => {
    const db = await openThrowawayDatabase();
    state = {
      db,
      caller: createCaller({ prisma: db.prisma }),
      reset: createResetter(db, { fixture: options.fixture ?? false }),
    };
  });
  beforeEach(() => opened().reset());
  afterAll(async () => {
    await state?.db.drop();
  });

  return {
    get prisma() {
      return opened().db.prisma;
    },
    get caller() {
      return opened().caller;
    },
    get database() {
      return opened().db;
    },
    reset: () => opened().reset(),
  };
}
