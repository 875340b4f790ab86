/**
 * Builds the migrated database every test file starts from, once per `vitest run`
 * (Epic Stack's pattern: migrate once, copy per worker).
 *
 * Both also hold the 100-song fixture in a test-only schema, `test_support.fixture_songs`, so that
 * restoring it is one INSERT … SELECT inside the database.
 *
 * - PGlite (default): a migrated in-memory PGlite is dumped to a tarball; each test file loads
 *   it, skipping initdb and the migrations (about 3 s) for the cost of unpacking.
 * - PostgreSQL (TEST_DATABASE_URL set): a migrated template database; each worker clones it with
 *   `CREATE DATABASE … TEMPLATE`, which copies files instead of replaying SQL.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createPGlite, databaseFromPGlite, databaseFromPostgres } from '../../src/db/index.js';
import { FIXTURE_SCHEMA_SQL, insertFixture } from './factories.js';
import { adminQuery, databaseUrl } from './postgres-admin.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the migrated PGlite tarball (PGlite mode). */
    pgliteSnapshot: string | null;
    /** Name of the migrated template database (PostgreSQL mode). */
    postgresTemplate: string | null;
  }
}

export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const template = `songs_test_${randomBytes(4).toString('hex')}`;
    await adminQuery(serverUrl, `CREATE DATABASE "${template}"`);
    const db = databaseFromPostgres(databaseUrl(serverUrl, template));
    await db.migrate();
    await insertFixture(db.prisma);
    await db.close();
    await adminQuery(databaseUrl(serverUrl, template), FIXTURE_SCHEMA_SQL);
    project.provide('postgresTemplate', template);
    project.provide('pgliteSnapshot', null);
    return async () => {
      // Worker databases are dropped by their workers; sweep any a crashed worker left behind.
      const leftovers = await adminQuery<{ datname: string }>(
        serverUrl,
        'SELECT datname FROM pg_database WHERE datname LIKE $1',
        [`${template}%`],
      );
      for (const { datname } of leftovers) {
        await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
    };
  }

  const pglite = await createPGlite(null);
  const db = databaseFromPGlite(pglite);
  await db.migrate();
  await insertFixture(db.prisma);
  await pglite.exec(FIXTURE_SCHEMA_SQL);
  const snapshot = await pglite.dumpDataDir('none');
  await db.close();
  const dir = await mkdtemp(path.join(tmpdir(), 'songs-test-'));
  const file = path.join(dir, 'migrated.tar');
  await writeFile(file, Buffer.from(await snapshot.arrayBuffer()));
  project.provide('pgliteSnapshot', file);
  project.provide('postgresTemplate', null);
  return () => rm(dir, { recursive: true, force: true });
}
