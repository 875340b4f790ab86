/**
 * The bulk-load path (src/import/bulk-load.ts): an import into an EMPTY table drops the secondary
 * indexes (and, with `skip`, the unique (name, artist) one), loads every batch in one transaction
 * and rebuilds them. Whatever way the run ends, the table must keep exactly the migration's
 * indexes, and the counts must be those of the incremental path.
 */
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/test-database.js';
import { countsOf, HEADER, importCsv } from './support.js';

const db = useTestDatabase();

const csv = (...rows: string[]) => `${[HEADER, ...rows].join('\n')}\n`;
const songs = (count: number, from = 0) =>
  Array.from({ length: count }, (_, i) => `Song ${from + i},Artist ${(from + i) % 7},1.5,2020-01-02`);

const INDEXES_SQL =
  "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'songs' ORDER BY indexname";
const indexes = () => db.database.script<{ indexname: string; indexdef: string }>(INDEXES_SQL);
const rowCount = async () => db.prisma.song.count();

/** The nine indexes of the migration, as the database reports them before any import. */
async function migrationIndexes() {
  const before = await indexes();
  expect(before.map((index) => index.indexname)).toEqual([
    'songs_artist_id_idx',
    'songs_artist_trgm_idx',
    'songs_created_at_id_idx',
    'songs_name_artist_key',
    'songs_name_id_idx',
    'songs_name_trgm_idx',
    'songs_pkey',
    'songs_released_on_id_idx',
    'songs_streams_id_idx',
  ]);
  return before;
}

describe('an import into an empty table', () => {
  it('takes the bulk path and leaves every index of the migration in place, identical', async () => {
    const before = await migrationIndexes();
    const report = await importCsv(db.database, csv(...songs(25)), { batchSize: 10 });
    expect(report.bulkLoad).toBe(true);
    expect(countsOf(report)).toEqual({ read: 25, imported: 25, updated: 0, skipped: 0, rejected: 0 });
    expect(await indexes()).toEqual(before);
    expect(await rowCount()).toBe(25);
    // The rebuilt indexes are in use: a trigram search and a keyset page find the rows.
    expect((await db.caller.song.list({ name: 'Song 1' })).total).toBeGreaterThan(0);
  });

  it('counts repeats of a (name, artist) in the file as skipped, the first one kept', async () => {
    const before = await migrationIndexes();
    const rows = [
      ...songs(12),
      'Song 3,Artist 3,9,2021-01-01',
      ...songs(5, 100),
      'Song 101,Artist 3,9,2021-01-01',
    ];
    const report = await importCsv(db.database, csv(...rows), { batchSize: 5 });
    expect(report.bulkLoad).toBe(true);
    expect(countsOf(report)).toEqual({ read: 19, imported: 17, updated: 0, skipped: 2, rejected: 0 });
    const [song3] = (await db.caller.song.list({ name: 'Song 3', artist: 'Artist 3' })).items;
    expect(song3?.streams).toBe(1.5);
    expect(await indexes()).toEqual(before);
    const again = await importCsv(db.database, csv(...rows), { batchSize: 5 });
    expect(again).toMatchObject({ bulkLoad: false, imported: 0, skipped: 19 });
  });

  it('gives update and a dry run the same counts as the incremental path', async () => {
    const rows = [...songs(6), 'Song 2,Artist 2,7,2021-01-01', 'Song 2,Artist 2,7,2021-01-01'];
    const dry = await importCsv(db.database, csv(...rows), { batchSize: 3, dryRun: true });
    expect(dry).toMatchObject({ bulkLoad: true, dryRun: true });
    expect(countsOf(dry)).toEqual({ read: 8, imported: 6, updated: 0, skipped: 2, rejected: 0 });
    expect(await rowCount()).toBe(0);
    const update = await importCsv(db.database, csv(...rows), { batchSize: 3, onConflict: 'update' });
    expect(update.bulkLoad).toBe(true);
    expect(countsOf(update)).toEqual({ read: 8, imported: 6, updated: 1, skipped: 1, rejected: 0 });
    const [song2] = (await db.caller.song.list({ name: 'Song 2', artist: 'Artist 2' })).items;
    expect(song2?.streams).toBe(7);
  });
});

describe('a bulk load that does not end as asked', () => {
  it('writes nothing and keeps the indexes when a --strict run has a bad row', async () => {
    const before = await migrationIndexes();
    const report = await importCsv(db.database, csv(...songs(30), 'Late,Artist,x,2020-01-01'), {
      strict: true,
      batchSize: 10,
    });
    expect(report).toMatchObject({ bulkLoad: true, rolledBack: true, imported: 0, rejected: 1 });
    expect(await rowCount()).toBe(0);
    expect(await indexes()).toEqual(before);
  });

  it('writes nothing and keeps the indexes when --on-conflict fail meets a repeat', async () => {
    const before = await migrationIndexes();
    const report = await importCsv(db.database, csv(...songs(25), 'Song 4,Artist 4,2,2020-01-01'), {
      onConflict: 'fail',
      batchSize: 10,
    });
    expect(report).toMatchObject({
      bulkLoad: true,
      rolledBack: true,
      stopped: { reason: 'conflict', line: 27 },
    });
    expect(await rowCount()).toBe(0);
    expect(await indexes()).toEqual(before);
  });

  it('keeps whole batches and the indexes when interrupted', async () => {
    const before = await migrationIndexes();
    const interrupt = new AbortController();
    const report = await importCsv(db.database, csv(...songs(100)), {
      batchSize: 10,
      signal: interrupt.signal,
      onBatchWritten: (progress) => {
        if (progress.batchesWritten === 3) interrupt.abort();
      },
    });
    expect(report).toMatchObject({ bulkLoad: true, rolledBack: false, stopped: { reason: 'interrupted' } });
    const line = report.stopped?.line ?? 0;
    expect(report.read).toBe(line - 1);
    expect(report.imported).toBe(report.read);
    expect(report.read).toBeLessThan(100);
    expect(await rowCount()).toBe(report.read);
    expect(await indexes()).toEqual(before);
    const rest = await importCsv(db.database, csv(...songs(100)), { batchSize: 10 });
    expect(rest).toMatchObject({ bulkLoad: false, imported: 100 - report.read, skipped: report.read });
  });
});

describe('the incremental path', () => {
  it('is taken when the table has rows, when the file fits one batch, or when asked', async () => {
    const one = await importCsv(db.database, csv(...songs(5)));
    expect(one.bulkLoad).toBe(false); // fewer rows than a batch
    const more = await importCsv(db.database, csv(...songs(30, 10)), { batchSize: 10 });
    expect(more).toMatchObject({ bulkLoad: false, imported: 30 });
    await db.reset();
    const off = await importCsv(db.database, csv(...songs(30)), { batchSize: 10, bulkLoad: false });
    expect(off).toMatchObject({ bulkLoad: false, imported: 30 });
  });
});
