/**
 * Throwaway databases, without vitest: the test harness (test-database.ts, global-setup.ts) and
 * the benchmarks (bench/) share them.
 *
 * Built once per run (Epic Stack's pattern: migrate once, copy per worker), with the 100-song
 * fixture kept in a test-only schema, `test_support.fixture_songs`:
 * - PGlite: a migrated in-memory PGlite dumped to a tarball; each throwaway database loads it,
 *   skipping initdb and the migrations (about 3 s) for the cost of unpacking.
 * - PostgreSQL: a migrated template database; each throwaway database is a
 *   `CREATE DATABASE … TEMPLATE` clone, which copies files instead of replaying SQL.
 *
 * The reset is one script sent straight to the driver (not through Prisma, whose per-statement
 * overhead would triple its cost): DELETE, or in fixture mode a DELETE and INSERT … SELECT of the
 * rows that differ from the fixture table. It is skipped when the WAL position shows nothing was written since the last reset (any
 * write, even a failed one, advances it; a false "dirty" only costs a reset).
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import pg from 'pg';
import { createPGlite, type Database, databaseFromPGlite, databaseFromPostgres } from '../../src/db/index.js';
import { FIXTURE_SCHEMA_SQL, insertFixture } from './factories.js';
import { adminQuery, databaseUrl } from './postgres-admin.js';

/** Where throwaway databases are copied from. */
export type DatabaseSource =
  | { kind: 'pglite'; snapshotFile: string }
  | { kind: 'postgres'; serverUrl: string; template: string };

/** Writes a migrated PGlite (with the fixture table) to `snapshotFile`. */
export async function buildPgliteSnapshot(snapshotFile: string): Promise<DatabaseSource> {
  const pglite = await createPGlite(null);
  const db = databaseFromPGlite(pglite);
  await db.migrate();
  await insertFixture(db.prisma);
  await pglite.exec(FIXTURE_SCHEMA_SQL);
  const snapshot = await pglite.dumpDataDir('none');
  await db.close();
  await writeFile(snapshotFile, Buffer.from(await snapshot.arrayBuffer()));
  return { kind: 'pglite', snapshotFile };
}

/** Creates a migrated template database (with the fixture table) on the server. */
export async function buildPostgresTemplate(serverUrl: string): Promise<DatabaseSource> {
  const template = `songs_test_${randomBytes(4).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${template}"`);
  const db = databaseFromPostgres(databaseUrl(serverUrl, template));
  await db.migrate();
  await insertFixture(db.prisma);
  await db.close();
  await adminQuery(databaseUrl(serverUrl, template), FIXTURE_SCHEMA_SQL);
  return { kind: 'postgres', serverUrl, template };
}

/** Drops the template and any clone of it a crashed worker left behind. */
export async function dropPostgresTemplate(source: DatabaseSource & { kind: 'postgres' }): Promise<void> {
  const databases = await adminQuery<{ datname: string }>(
    source.serverUrl,
    'SELECT datname FROM pg_database WHERE datname LIKE $1',
    [`${source.template}%`],
  );
  for (const { datname } of databases) {
    await adminQuery(source.serverUrl, `DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
}

/** A migrated throwaway database and a raw connection to it for test bookkeeping. */
export interface ThrowawayDatabase extends Database {
  /** Runs a multi-statement script and returns the rows of its last statement. */
  script<Row>(sql: string): Promise<Row[]>;
  /** Makes the database stop answering, as an outage would (for readiness and error tests). */
  cutOff(): Promise<void>;
  /** Closes it and, on PostgreSQL, drops it. */
  drop(): Promise<void>;
}

/** Opens a copy of `source`; on PostgreSQL it is named `<template>_<suffix>`. */
export async function openThrowawayDatabase(
  source: DatabaseSource,
  suffix = 'w0',
): Promise<ThrowawayDatabase> {
  if (source.kind === 'postgres') {
    const { serverUrl, template } = source;
    const name = `${template}_${suffix}`;
    // Names are new (the template's name is random per run, `suffix` unique within it), and
    // dropPostgresTemplate() sweeps what a crashed worker leaves: no DROP IF EXISTS needed first.
    await adminQuery(serverUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
    const url = databaseUrl(serverUrl, name);
    const db = databaseFromPostgres(url);
    const raw = new pg.Client({ connectionString: url });
    // After cutOff() the server ends this connection; that is expected, not a test failure.
    raw.on('error', () => {});
    await raw.connect();
    return {
      ...db,
      script: async <Row>(sql: string) => {
        const results = await raw.query(sql);
        const last = Array.isArray(results) ? results.at(-1) : results;
        return (last?.rows ?? []) as Row[];
      },
      cutOff: async () => {
        await adminQuery(serverUrl, `ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
        await adminQuery(
          serverUrl,
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [name],
        );
      },
      drop: async () => {
        await raw.end().catch(() => {});
        await db.close();
        await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      },
    };
  }
  const pglite = await createPGlite(null, { loadDataDir: new Blob([await readFile(source.snapshotFile)]) });
  const db = databaseFromPGlite(pglite);
  return {
    ...db,
    script: async <Row>(sql: string) => ((await pglite.exec(sql)).at(-1)?.rows ?? []) as Row[],
    cutOff: () => pglite.close(),
    drop: () => db.close(),
  };
}

const EMPTY_SQL = 'DELETE FROM songs;';
// Restores only what differs: a test typically changes a row or two, and re-inserting all 100
// rows (through eight indexes, two of them GIN) would cost ten times more.
const FIXTURE_SQL = `BEGIN;
  DELETE FROM songs s WHERE NOT EXISTS (SELECT 1 FROM test_support.fixture_songs f WHERE ROW(f.*) = ROW(s.*));
  INSERT INTO songs SELECT * FROM test_support.fixture_songs f WHERE NOT EXISTS (SELECT 1 FROM songs s WHERE s.id = f.id);
  COMMIT;`;
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
