/**
 * Throwaway databases, without vitest: the test harness (test-database.ts, global-setup.ts) and
 * the benchmarks (bench/) share them.
 *
 * Built once and kept between runs while the migrations and the fixture stay the same (Epic
 * Stack's pattern: migrate once, copy per test file), with the 100-song fixture kept in a
 * test-only schema, `test_support.fixture_songs`:
 * - PGlite: a migrated in-memory PGlite dumped to a tarball; each throwaway database loads it,
 *   skipping initdb and the migrations for the cost of unpacking.
 * - PostgreSQL: a migrated template database; each throwaway database is a
 *   `CREATE DATABASE … TEMPLATE` clone, which copies files instead of replaying SQL.
 *
 * The reset is one script sent straight to a session (not through Prisma, whose per-statement
 * overhead would triple its cost): DELETE, or in fixture mode a DELETE and INSERT … SELECT of the
 * rows that differ from the fixture table.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { type Database, DEFAULT_DATABASE_OPTIONS, openDatabase } from '../../src/db/index.js';
import { readMigrations } from '../../src/db/migrator.js';
import { createPGlite, databaseFromPGlite } from '../../src/db/pglite.js';
import { FIXTURE_SCHEMA_SQL, insertFixture } from './factories.js';
import { adminQuery, databaseUrl } from './postgres-admin.js';

/** Where throwaway databases are copied from. */
export type DatabaseSource =
  | { kind: 'pglite'; snapshotFile: string }
  /** Clones are named `<clonePrefix>_<suffix>`: the prefix is this run's, the template is shared. */
  | { kind: 'postgres'; serverUrl: string; template: string; clonePrefix: string };

/**
 * What a migrated database with the fixture depends on: the migrations (by checksum, so a new
 * or changed one is a new key), the fixture's source and PGlite's version. Short enough for a
 * database name.
 */
export async function sourceKey(): Promise<string> {
  const hash = createHash('sha256');
  for (const migration of await readMigrations()) hash.update(`${migration.name}:${migration.checksum}\n`);
  hash.update(await readFile(new URL('./factories.ts', import.meta.url)));
  // A PGlite data folder is read only by the PostgreSQL version that wrote it.
  hash.update(
    await readFile(new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url)),
  );
  return hash.digest('hex').slice(0, 12);
}

/** Writes a migrated PGlite (with the fixture table) to `snapshotFile`. */
export async function buildPgliteSnapshot(snapshotFile: string): Promise<DatabaseSource> {
  const pglite = await createPGlite(null);
  const db = databaseFromPGlite(pglite, DEFAULT_DATABASE_OPTIONS);
  await db.migrate();
  await insertFixture(db.prisma);
  await pglite.exec(FIXTURE_SCHEMA_SQL);
  const snapshot = await pglite.dumpDataDir('none');
  await db.close();
  await writeFile(snapshotFile, Buffer.from(await snapshot.arrayBuffer()));
  return { kind: 'pglite', snapshotFile };
}

async function databaseExists(serverUrl: string, name: string): Promise<boolean> {
  const rows = await adminQuery(serverUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rows.length > 0;
}

/**
 * The migrated template database (with the fixture table) named `template`, created unless a
 * run before left it. Built under a name of its own and renamed when done, so that a run never
 * clones a half-built template, and of two runs building at once one keeps its own.
 */
export async function buildPostgresTemplate(serverUrl: string, template: string): Promise<DatabaseSource> {
  const source = {
    kind: 'postgres',
    serverUrl,
    template,
    clonePrefix: `${template}_${randomBytes(4).toString('hex')}`,
  } as const;
  if (await databaseExists(serverUrl, template)) return source;
  const building = `${source.clonePrefix}_building`;
  await adminQuery(serverUrl, `CREATE DATABASE "${building}"`);
  const db = await openDatabase(databaseUrl(serverUrl, building));
  try {
    await db.migrate();
    await insertFixture(db.prisma);
  } finally {
    await db.close();
  }
  await adminQuery(databaseUrl(serverUrl, building), FIXTURE_SCHEMA_SQL);
  try {
    await adminQuery(serverUrl, `ALTER DATABASE "${building}" RENAME TO "${template}"`);
  } catch (error) {
    if (!(await databaseExists(serverUrl, template))) throw error;
    await adminQuery(serverUrl, `DROP DATABASE "${building}"`); // another run finished first
  }
  return source;
}

/** Drops the clones of this run (also those a crashed worker left behind); the template stays. */
export async function dropPostgresClones(source: DatabaseSource & { kind: 'postgres' }): Promise<void> {
  const databases = await adminQuery<{ datname: string }>(
    source.serverUrl,
    'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
    [source.clonePrefix],
  );
  for (const { datname } of databases) {
    await adminQuery(source.serverUrl, `DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  }
}

/** A migrated throwaway database and a session to it for test bookkeeping. */
export interface ThrowawayDatabase extends Database {
  /** Runs a multi-statement script and returns the rows of its last statement. */
  script<Row>(sql: string): Promise<Row[]>;
  /** Makes the database stop answering, as an outage would (for readiness and error tests). */
  cutOff(): Promise<void>;
  /** Closes it and, on PostgreSQL, drops it. */
  drop(): Promise<void>;
}

/** Opens a copy of `source`; on PostgreSQL it is named `<clonePrefix>_<suffix>`. */
export async function openThrowawayDatabase(
  source: DatabaseSource,
  suffix = 'w0',
): Promise<ThrowawayDatabase> {
  if (source.kind === 'pglite') {
    const pglite = await createPGlite(null, { loadDataDir: new Blob([await readFile(source.snapshotFile)]) });
    const db = databaseFromPGlite(pglite, DEFAULT_DATABASE_OPTIONS);
    const session = await db.openSession();
    return {
      ...db,
      script: (sql) => session.exec(sql),
      cutOff: () => pglite.close(),
      drop: () => db.close(),
    };
  }
  const { serverUrl, template } = source;
  const name = `${source.clonePrefix}_${suffix}`;
  // Names are new (the prefix is random per run, `suffix` unique within it), and
  // dropPostgresClones() sweeps what a crashed worker leaves: no DROP IF EXISTS needed first.
  await adminQuery(serverUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  const db = await openDatabase(databaseUrl(serverUrl, name));
  const session = await db.openSession();
  return {
    ...db,
    script: (sql) => session.exec(sql),
    cutOff: async () => {
      await adminQuery(serverUrl, `ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await adminQuery(
        serverUrl,
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
    },
    drop: async () => {
      await session.close().catch(() => {}); // already ended after cutOff()
      await db.close();
      await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

const EMPTY_SQL = 'DELETE FROM songs;';
// Restores only what differs: a test typically changes a row or two, and re-inserting all 100
// rows (through eight indexes, two of them GIN) would cost ten times more.
const FIXTURE_SQL = `BEGIN;
  DELETE FROM songs s WHERE NOT EXISTS (SELECT 1 FROM test_support.fixture_songs f WHERE ROW(f.*) = ROW(s.*));
  INSERT INTO songs SELECT * FROM test_support.fixture_songs f WHERE NOT EXISTS (SELECT 1 FROM songs s WHERE s.id = f.id);
  COMMIT;`;

/** Resets `db` to the empty or fixture state. */
export async function resetDatabase(db: ThrowawayDatabase, options: { fixture: boolean }): Promise<void> {
  await db.script(options.fixture ? FIXTURE_SQL : EMPTY_SQL);
}
