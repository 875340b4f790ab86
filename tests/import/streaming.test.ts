/**
 * A 100,000-row file streams: rows reach the database in batches while the file is still being
 * read, and the file is never held whole. Asserted through the import's hooks, not by time.
 */
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { type ImportProgress, importSongs } from '../../src/import/import-songs.js';
import { useTestDatabase } from '../support/test-database.js';
import { HEADER } from './support.js';

const db = useTestDatabase();

const ROWS = 100_000;
const BATCH_SIZE = 5_000;

/** Makes the CSV on demand, a few hundred rows per chunk, and tells how far it got. */
function generatedCsv() {
  let produced = 0;
  const source = Readable.from(
    (function* () {
      yield `${HEADER}\n`;
      while (produced < ROWS) {
        let chunk = '';
        for (let i = 0; i < 500 && produced < ROWS; i += 1, produced += 1) {
          chunk += `"Song ${produced}, take ${produced % 7}",Artist ${produced % 997},${(produced % 5000) / 1000},2020-01-${String(1 + (produced % 28)).padStart(2, '0')}\n`;
        }
        yield Buffer.from(chunk);
      }
    })(),
  );
  return { source, produced: () => produced };
}

it('writes a 100k-row file batch by batch while still reading it', async () => {
  const csv = generatedCsv();
  const seen: Array<ImportProgress & { producedRows: number; rowsInTable: number }> = [];
  const batchSizes: number[] = [];
  const report = await importSongs(db.database, csv.source, {
    batchSize: BATCH_SIZE,
    // The incremental path, whose batches commit one by one: counting them from another session
    // while the bulk path holds its lock would wait for the end of the run (bulk-load.ts).
    bulkLoad: false,
    onBatchWritten: async (progress) => {
      batchSizes.push(progress.rowsWritten - batchSizes.length * BATCH_SIZE);
      // Only the first few batches are looked at closely: counting rows is itself a query.
      if (seen.length < 3) {
        const rowsInTable = await db.prisma.song.count();
        seen.push({ ...progress, producedRows: csv.produced(), rowsInTable });
      }
    },
  });

  expect(report).toMatchObject({ read: ROWS, imported: ROWS, rejected: 0, stopped: null });
  expect(await db.prisma.song.count()).toBe(ROWS);

  const [first, second] = seen;
  // The first batch was committed and visible while most of the file had not even been made yet.
  expect(first?.rowsWritten).toBe(BATCH_SIZE);
  expect(first?.rowsInTable).toBe(BATCH_SIZE);
  expect(first?.producedRows).toBeLessThan(ROWS / 2);
  expect(second?.rowsInTable).toBe(2 * BATCH_SIZE);
  // Twenty batches of 5,000, one statement each: never the whole file at once.
  expect(batchSizes).toEqual(Array.from({ length: ROWS / BATCH_SIZE }, () => BATCH_SIZE));
});
