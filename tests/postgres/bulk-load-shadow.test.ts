/**
 * PostgreSQL only: an import into an empty table loads a shadow table, builds its indexes in
 * parallel sessions and swaps it in (src/import/shadow-load.ts). Readers are never blocked and see
 * all of the run or none of it; the table after the swap is exactly the migration's; a shadow
 * never outlives its run; and a table the swap cannot reproduce gets the rows copied in instead.
 */
import { execFile } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { countsOf, HEADER, importCsv } from '../import/support.js';
import { databaseUrl } from '../support/postgres-admin.js';
import { useTestDatabase } from '../support/test-database.js';

const db = useTestDatabase();

const csv = (count: number) =>
  `${[HEADER, ...Array.from({ length: count }, (_, i) => `Song ${i},Artist ${i % 7},1.5,2020-01-02`)].join('\n')}\n`;

const shadowExists = async () =>
  (
    await db.database.script<{ exists: boolean }>(
      `SELECT to_regclass('songs_bulk_load') IS NOT NULL AS "exists"`,
    )
  )[0]?.exists;

/** The table's identity: the swap replaces it, the copy into the original keeps it. */
const songsOid = async () =>
  (await db.database.script<{ oid: number }>(`SELECT 'songs'::regclass::oid::int AS oid`))[0]?.oid;

/** `pg_dump --schema-only` of this file's database: every object, its definition and its rights. */
async function schemaDump(): Promise<string> {
  const [row] = await db.database.script<{ name: string }>('SELECT current_database() AS name');
  const url = databaseUrl(process.env.TEST_DATABASE_URL as string, row?.name as string);
  return new Promise((resolve, reject) => {
    // Less the \restrict lines, whose key is new at every run.
    execFile('pg_dump', ['--schema-only', url], (error, stdout) =>
      error ? reject(error) : resolve(stdout.replace(/^\\(un)?restrict .*$/gm, '')),
    );
  });
}

describe('a bulk import on PostgreSQL', () => {
  it('never blocks readers, who see none of its rows until it ends, then all of them', async () => {
    const seenDuringLoad: number[] = [];
    const report = await importCsv(db.database, csv(30), {
      batchSize: 10,
      // A read through the API's own pool while the run holds its lock and has rows in flight.
      onBatchWritten: async () => {
        seenDuringLoad.push((await db.caller.song.list({})).total);
      },
    });
    expect(report.bulkLoad).toBe(true);
    expect(seenDuringLoad).toEqual([0, 0, 0]);
    expect((await db.caller.song.list({})).total).toBe(30);
  });

  it('swaps the table in, leaving the schema exactly as the migrations made it, and no shadow', async () => {
    const [before, table] = [await schemaDump(), await songsOid()];
    const report = await importCsv(db.database, csv(25), { batchSize: 10 });
    expect(countsOf(report)).toEqual({ read: 25, imported: 25, updated: 0, skipped: 0, rejected: 0 });
    expect(await songsOid()).not.toBe(table);
    expect(await schemaDump()).toBe(before);
    expect(await shadowExists()).toBe(false);
  });

  it('drops the shadow when the run writes nothing (--strict with a bad row, a dry run)', async () => {
    const strict = await importCsv(db.database, `${csv(25)}Bad,Row,-1,2020-01-01\n`, {
      batchSize: 10,
      strict: true,
    });
    expect(strict.rolledBack).toBe(true);
    const dry = await importCsv(db.database, csv(25), { batchSize: 10, dryRun: true });
    expect(dry.imported).toBe(25);
    expect(await shadowExists()).toBe(false);
    expect((await db.caller.song.list({})).total).toBe(0);
  });

  it('drops a shadow that a killed run left behind', async () => {
    await db.database.script('CREATE TABLE songs_bulk_load (left_behind int)');
    await importCsv(db.database, csv(25), { batchSize: 10 });
    expect(await shadowExists()).toBe(false);
    expect((await db.caller.song.list({})).total).toBe(25);
  });
});

describe('a table the swap cannot reproduce', () => {
  afterEach(async () => {
    await db.database.script('DROP VIEW IF EXISTS song_names; REVOKE SELECT ON songs FROM PUBLIC;');
  });

  it.each([
    ['a view depends on it', 'CREATE VIEW song_names AS SELECT name FROM songs'],
    ['it has privileges the shadow would not have', 'GRANT SELECT ON songs TO PUBLIC'],
  ])('gets the rows copied in when %s, and keeps its definition', async (_case, setup) => {
    await db.database.script(setup);
    const [before, table] = [await schemaDump(), await songsOid()];
    const report = await importCsv(db.database, csv(25), { batchSize: 10 });
    expect(countsOf(report)).toEqual({ read: 25, imported: 25, updated: 0, skipped: 0, rejected: 0 });
    expect((await db.caller.song.list({})).total).toBe(25);
    expect(await songsOid()).toBe(table);
    expect(await schemaDump()).toBe(before);
    expect(await shadowExists()).toBe(false);
  });
});
