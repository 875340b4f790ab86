/** importSongs against a real database (in-memory PGlite, or PostgreSQL with TEST_DATABASE_URL). */
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/test-database.js';
import { countsOf, fixture, HEADER, importCsv } from './support.js';

const db = useTestDatabase();

const stored = async () =>
  (await db.caller.song.list({ orderBy: ['name', 'artist'], limit: 100 })).items.map((song) => ({
    name: song.name,
    artist: song.artist,
    streams: song.streams,
    releasedOn: song.releasedOn,
  }));

const csv = (...rows: string[]) => `${[HEADER, ...rows].join('\n')}\n`;

describe('a good file', () => {
  it('imports every row, quoted commas, quotes and line breaks intact', async () => {
    const report = await importCsv(db.database, fixture('good.csv'));
    expect(countsOf(report)).toEqual({ read: 5, imported: 5, updated: 0, skipped: 0, rejected: 0 });
    expect(report).toMatchObject({ errors: [], stopped: null, rolledBack: false, dryRun: false });
    expect(await stored()).toEqual([
      { name: 'Hello, Goodbye, Hello', artist: 'The Velvet Kites', streams: 1.5, releasedOn: '2019-11-29' },
      { name: 'Paper Lanterns', artist: 'Nova Reyes', streams: 2.345, releasedOn: '2021-03-14' },
      { name: 'River Song', artist: 'Sami Brandt', streams: 3, releasedOn: '2015-12-31' },
      { name: 'She said "never"', artist: 'Ines Varga', streams: 0.75, releasedOn: '2020-02-01' },
      { name: 'Two\nLines', artist: 'Jun Okafor', streams: 0.125, releasedOn: '2018-07-04' },
    ]);
  });

  it('gives imported songs uuids, timestamps, and ids that follow the file order', async () => {
    await importCsv(db.database, fixture('good.csv'));
    const { items } = await db.caller.song.list({ orderBy: ['createdAt'] });
    expect(items.map((song) => song.name)).toEqual([
      'Paper Lanterns',
      'Hello, Goodbye, Hello',
      'She said "never"',
      'Two\nLines',
      'River Song',
    ]);
    for (const song of items) {
      expect(song.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(song.updatedAt).toEqual(song.createdAt);
      expect(await db.caller.song.byId({ id: song.id })).toEqual(song);
    }
  });

  it('is idempotent: a second run skips every row and changes nothing', async () => {
    await importCsv(db.database, fixture('good.csv'));
    const before = await db.caller.song.list({ limit: 100 });
    const again = await importCsv(db.database, fixture('good.csv'));
    expect(countsOf(again)).toEqual({ read: 5, imported: 0, updated: 0, skipped: 5, rejected: 0 });
    expect(await db.caller.song.list({ limit: 100 })).toEqual(before);
  });
});

describe('a dirty file', () => {
  it('writes the good rows, rejects the bad ones with line numbers, and skips the duplicate', async () => {
    const report = await importCsv(db.database, fixture('dirty.csv'));
    expect(countsOf(report)).toEqual({ read: 8, imported: 2, updated: 0, skipped: 1, rejected: 5 });
    expect(report.errors.map(({ line, field }) => ({ line, field }))).toEqual([
      { line: 3, field: 'releasedOn' },
      { line: 5, field: 'name' },
      { line: 6, field: 'releasedOn' },
      { line: 7, field: 'streams' },
      { line: 9, field: 'row' },
    ]);
    // The first of two rows with the same (name, artist) wins under `skip`.
    expect(await stored()).toEqual([
      { name: 'Fine Again', artist: 'DJ Halden', streams: 0.5, releasedOn: '2019-05-05' },
      { name: 'Paper Lanterns', artist: 'Nova Reyes', streams: 2.345, releasedOn: '2021-03-14' },
    ]);
    const again = await importCsv(db.database, fixture('dirty.csv'));
    expect(countsOf(again)).toEqual({ read: 8, imported: 0, updated: 0, skipped: 3, rejected: 5 });
  });

  it('keeps the first maxErrors reasons and counts the rest', async () => {
    const bad = Array.from({ length: 5 }, (_, i) => `Song ${i},Artist,-1,2020-01-01`);
    const report = await importCsv(db.database, csv(...bad), { maxErrors: 2 });
    expect(report.rejected).toBe(5);
    expect(report.errors.map((error) => error.line)).toEqual([2, 3]);
    expect(report.errorsOmitted).toBe(3);
  });
});

describe('batches', () => {
  it('give the same counts and rows whatever the batch size, duplicates across batches included', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => `Song ${i % 5},Artist,${i},2020-01-0${1 + i}`);
    for (const batchSize of [1, 2, 3, 10_000]) {
      await db.reset();
      const report = await importCsv(db.database, csv(...rows), { batchSize });
      expect(countsOf(report)).toEqual({ read: 7, imported: 5, updated: 0, skipped: 2, rejected: 0 });
      expect((await stored()).map((song) => song.streams)).toEqual([0, 1, 2, 3, 4]);
    }
  });
});

describe('--on-conflict update', () => {
  it("takes the file's streams and release date, and counts unchanged rows as skipped", async () => {
    await importCsv(db.database, csv('A,X,1,2020-01-01', 'B,X,2,2020-01-02', 'C,X,3,2020-01-03'));
    const before = await db.caller.song.list({ name: 'A' });
    const report = await importCsv(
      db.database,
      csv('A,X,10,2021-01-01', 'B,X,2,2020-01-02', 'C,X,3,2 March 2021', 'D,X,4,2020-01-04'),
      { onConflict: 'update' },
    );
    expect(countsOf(report)).toEqual({ read: 4, imported: 1, updated: 2, skipped: 1, rejected: 0 });
    expect(await stored()).toEqual([
      { name: 'A', artist: 'X', streams: 10, releasedOn: '2021-01-01' },
      { name: 'B', artist: 'X', streams: 2, releasedOn: '2020-01-02' },
      { name: 'C', artist: 'X', streams: 3, releasedOn: '2021-03-02' },
      { name: 'D', artist: 'X', streams: 4, releasedOn: '2020-01-04' },
    ]);
    const [a] = (await db.caller.song.list({ name: 'A' })).items;
    const [oldA] = before.items;
    expect(a?.id).toBe(oldA?.id);
    expect(a?.createdAt).toEqual(oldA?.createdAt);
    expect(a?.updatedAt.getTime()).toBeGreaterThanOrEqual(oldA?.updatedAt.getTime() ?? Number.NaN);

    const again = await importCsv(db.database, csv('A,X,10,2021-01-01'), { onConflict: 'update' });
    expect(countsOf(again)).toEqual({ read: 1, imported: 0, updated: 0, skipped: 1, rejected: 0 });
  });

  it('counts repeats within the file as if written one by one, the last values winning', async () => {
    // A: exists with 1 → same (skipped), then 2 (updated), 2 again (skipped). B: new, then 5 (updated).
    const rows = [
      'A,X,1,2020-01-01',
      'B,X,4,2020-01-01',
      'A,X,2,2020-01-01',
      'A,X,2,2020-01-01',
      'B,X,5,2020-01-01',
    ];
    for (const batchSize of [1, 2, 10_000]) {
      await db.reset();
      await importCsv(db.database, csv('A,X,1,2020-01-01'));
      const report = await importCsv(db.database, csv(...rows), { onConflict: 'update', batchSize });
      expect(countsOf(report)).toEqual({ read: 5, imported: 1, updated: 2, skipped: 2, rejected: 0 });
      expect((await stored()).map((song) => song.streams)).toEqual([2, 5]);
    }
  });
});

describe('--on-conflict fail', () => {
  it('writes the file when no row conflicts', async () => {
    const report = await importCsv(db.database, fixture('good.csv'), { onConflict: 'fail' });
    expect(countsOf(report)).toEqual({ read: 5, imported: 5, updated: 0, skipped: 0, rejected: 0 });
    expect(report.stopped).toBeNull();
  });

  it('stops at the first existing song and leaves nothing of the run written, across batches', async () => {
    await importCsv(db.database, csv('Old,X,1,2020-01-01'));
    const rows = [
      'N1,X,1,2020-01-01',
      'N2,X,1,2020-01-01',
      'bad,X,-1,2020-01-01',
      'Old,X,2,2020-01-01',
      'N3,X,1,2020-01-01',
    ];
    const report = await importCsv(db.database, csv(...rows), { onConflict: 'fail', batchSize: 2 });
    expect(countsOf(report)).toEqual({ read: 4, imported: 0, updated: 0, skipped: 0, rejected: 2 });
    expect(report.stopped).toEqual({
      reason: 'conflict',
      line: 5,
      message: expect.stringContaining('"Old"'),
    });
    expect(report.rolledBack).toBe(true);
    expect(report.errors.map(({ line, field }) => ({ line, field }))).toEqual([
      { line: 4, field: 'streams' },
      { line: 5, field: 'name' },
    ]);
    expect((await stored()).map((song) => song.name)).toEqual(['Old']);
  });

  it('treats a repeat within the file as a conflict', async () => {
    const report = await importCsv(
      db.database,
      csv('A,X,1,2020-01-01', 'B,X,1,2020-01-01', 'A,X,2,2020-01-01'),
      {
        onConflict: 'fail',
      },
    );
    expect(report.stopped).toMatchObject({ reason: 'conflict', line: 4 });
    expect(await stored()).toEqual([]);
  });
});

describe('--strict', () => {
  it('writes nothing when any row is rejected, even after many good batches', async () => {
    const good = Array.from({ length: 50 }, (_, i) => `Song ${i},Artist,1,2020-01-01`);
    const report = await importCsv(db.database, csv(...good, 'Late,Artist,x,2020-01-01'), {
      strict: true,
      batchSize: 10,
    });
    expect(countsOf(report)).toEqual({ read: 51, imported: 0, updated: 0, skipped: 0, rejected: 1 });
    expect(report).toMatchObject({ rolledBack: true, errors: [{ line: 52, field: 'streams' }] });
    expect(await stored()).toEqual([]);
  });

  it('writes everything when every row is good', async () => {
    const report = await importCsv(db.database, fixture('good.csv'), { strict: true, batchSize: 2 });
    expect(report).toMatchObject({ imported: 5, rolledBack: false });
    expect(await stored()).toHaveLength(5);
  });
});

describe('--dry-run', () => {
  it('counts what would happen and writes nothing', async () => {
    await importCsv(db.database, csv('Paper Lanterns,Nova Reyes,1,2020-01-01'));
    const report = await importCsv(db.database, fixture('dirty.csv'), { dryRun: true, batchSize: 2 });
    expect(countsOf(report)).toEqual({ read: 8, imported: 1, updated: 0, skipped: 2, rejected: 5 });
    expect(report).toMatchObject({ dryRun: true, rolledBack: false });
    expect((await stored()).map((song) => song.name)).toEqual(['Paper Lanterns']);
  });
});

describe('interruption', () => {
  it('stops after whole batches and says where: every row through that line is accounted for', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => `Song ${i},Artist,1,2020-01-01`);
    const interrupt = new AbortController();
    const report = await importCsv(db.database, csv(...rows), {
      batchSize: 10,
      signal: interrupt.signal,
      onBatchWritten: (progress) => {
        if (progress.batchesWritten === 2) interrupt.abort();
      },
    });
    expect(report.stopped).toMatchObject({ reason: 'interrupted' });
    const line = report.stopped?.line ?? 0;
    expect(line).toBeLessThan(101);
    // Rows 2..line were read, and all of them were written.
    expect(report.read).toBe(line - 1);
    expect(report.imported).toBe(report.read);
    expect(await stored()).toHaveLength(report.read);
    const rest = await importCsv(db.database, csv(...rows));
    expect(rest).toMatchObject({ imported: 100 - report.read, skipped: report.read });
  });

  it('writes nothing when the run was all-or-nothing', async () => {
    const rows = Array.from({ length: 30 }, (_, i) => `Song ${i},Artist,1,2020-01-01`);
    const interrupt = new AbortController();
    const report = await importCsv(db.database, csv(...rows), {
      strict: true,
      batchSize: 10,
      signal: interrupt.signal,
      onBatchWritten: () => interrupt.abort(),
    });
    expect(report).toMatchObject({ rolledBack: true, imported: 0, stopped: { reason: 'interrupted' } });
    expect(await stored()).toEqual([]);
  });
});
