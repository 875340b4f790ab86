/**
 * PostgreSQL only (vitest.config.ts includes tests/postgres/ when TEST_DATABASE_URL is set): two
 * servers starting at once on an empty database. PGlite has a single connection, so the race
 * cannot happen there.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import { databaseFromPostgres } from '../../src/db/index.js';
import { readMigrations } from '../../src/db/migrator.js';
import { adminQuery, databaseUrl } from '../support/postgres-admin.js';

const serverUrl = process.env.TEST_DATABASE_URL as string;
const name = `songs_test_race_${randomBytes(4).toString('hex')}`;

afterAll(() => adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));

it('applies each migration once when two migrators start together (advisory lock)', async () => {
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  const first = databaseFromPostgres(databaseUrl(serverUrl, name));
  const second = databaseFromPostgres(databaseUrl(serverUrl, name));
  try {
    const reports = await Promise.all([first.migrate(), second.migrate()]);
    const applied = reports.flatMap((report) => report.applied);
    const shipped = (await readMigrations()).map((migration) => migration.name);
    expect(applied.sort()).toEqual(shipped);
    const recorded = await adminQuery(
      databaseUrl(serverUrl, name),
      'SELECT migration_name FROM "_prisma_migrations"',
    );
    expect(recorded).toHaveLength(shipped.length);
  } finally {
    await Promise.all([first.close(), second.close()]);
  }
});
