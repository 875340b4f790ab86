/**
 * Imports a songs CSV into a database: read and validate rows as a stream (song-csv-reader.ts),
 * write them in batches (song-bulk-writer.ts), and account for every row.
 *
 * Batches of the default `skip` and `update` runs commit one by one, so an interrupted run keeps
 * whole batches and a re-run carries on. `--on-conflict fail`, `--strict` and `--dry-run` are
 * all-or-nothing: one transaction, committed only if the run ends as asked (never, for a dry run).
 * An import into an empty table that fills more than one batch is one transaction too, whatever
 * the options: the bulk-load path (song-bulk-writer.ts), which rebuilds the indexes at the end.
 */
import { pipeline, type Readable, Transform } from 'node:stream';
import type { Database } from '../db/index.js';
import {
  type ConflictingRow,
  type ConflictPolicy,
  openSongBulkWriter,
  type SongBatch,
} from './song-bulk-writer.js';
import { type CsvLayout, type RowError, readSongCsvChunks } from './song-csv-reader.js';

export const DEFAULT_BATCH_SIZE = 10_000;
/** Errors kept in the report; the count of rejected rows is always complete. */
export const DEFAULT_MAX_ERRORS = 1_000;

export interface ImportProgress {
  /** Data rows read so far (valid and rejected). */
  rowsRead: number;
  bytesRead: number;
  /** Size of the input, when known (a file): for a percentage. */
  totalBytes: number | null;
  /** Batches written so far, and the rows they held. */
  batchesWritten: number;
  rowsWritten: number;
}

export interface ImportOptions {
  onConflict?: ConflictPolicy;
  /** Write nothing if any row is rejected. */
  strict?: boolean;
  /** Validate and count (against the database, in a transaction rolled back at the end). */
  dryRun?: boolean;
  batchSize?: number;
  maxErrors?: number;
  /** Aborting stops the run after whole batches (see `ImportReport.stopped`). */
  signal?: AbortSignal;
  /**
   * Take the bulk-load path when `songs` is empty and the file fills a first batch (default true):
   * one transaction for the run, secondary indexes rebuilt at the end (song-bulk-writer.ts).
   * False keeps every batch committing on its own, visible to other sessions as it lands.
   */
  bulkLoad?: boolean;
  totalBytes?: number | null;
  /** Called every few thousand rows read, for a progress display. */
  onProgress?: (progress: ImportProgress) => void;
  /** Awaited after each batch is written, before the next one is: a hook for tests. */
  onBatchWritten?: (progress: ImportProgress) => void | Promise<void>;
  /** Called once the file's columns are known. */
  onLayout?: (layout: CsvLayout) => void;
}

export type StopReason = 'interrupted' | 'conflict' | 'error';

export interface ImportReport {
  /** Data rows read (the header is not a row). */
  read: number;
  imported: number;
  updated: number;
  skipped: number;
  rejected: number;
  /** The first `maxErrors` reasons, in line order; a row may have one per field. */
  errors: RowError[];
  /** Reasons left out of `errors` past `maxErrors`. */
  errorsOmitted: number;
  dryRun: boolean;
  /** Nothing from this run stays written although rows were valid (strict, fail, interrupted). */
  rolledBack: boolean;
  /** The run took the bulk-load path (an empty table: one transaction, indexes rebuilt at the end). */
  bulkLoad: boolean;
  /** Set when the run ended before the end of the file. */
  stopped: { reason: StopReason; line: number; message: string } | null;
  durationMs: number;
}

/** How a write failure is told: the driver's message, without a stack. */
function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads `input` as a songs CSV and writes its valid rows to `db`. Throws `CsvLayoutError` (from
 * the reader) when the header is unusable and the input's own errors when it cannot be read;
 * a database failure during the run is reported in `stopped` instead.
 */
export async function importSongs(
  db: Database,
  input: Readable,
  options: ImportOptions = {},
): Promise<ImportReport> {
  const started = performance.now();
  const policy = options.onConflict ?? 'skip';
  const strict = options.strict ?? false;
  const dryRun = options.dryRun ?? false;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxErrors = options.maxErrors ?? DEFAULT_MAX_ERRORS;
  const allOrNothing = strict || dryRun || policy === 'fail';
  // With `fail`, the next batch is read only once the last one is known to be conflict-free, so
  // that what the report counts when the run stops does not depend on timing.
  const overlapWrites = policy !== 'fail';

  const counts = { read: 0, imported: 0, updated: 0, skipped: 0, rejected: 0 };
  let errors: RowError[] = [];
  let errorsOmitted = 0;
  let bytesRead = 0;
  let batchesWritten = 0;
  let rowsWritten = 0;
  let lastLine = 0;
  let stopped: ImportReport['stopped'] = null;
  let conflict: { row: ConflictingRow; batch: SongBatch; rejectedLines: number[] } | null = null;
  let writeError: unknown = null;
  let bulk = false;
  let batchesSent = 0;

  // Counted on the way to the parser (a 'data' listener on `input` would start it flowing early).
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytesRead += chunk.length;
      done(null, chunk);
    },
  });
  // Destroying `counted` (the reader does when it stops early) also destroys `input`, and an
  // error of `input` reaches the reader through `counted`: nothing to do in the callback.
  pipeline(input, counted, () => undefined);
  const progress = (): ImportProgress => ({
    rowsRead: counts.read,
    bytesRead,
    totalBytes: options.totalBytes ?? null,
    batchesWritten,
    rowsWritten,
  });
  const addError = (error: RowError) => {
    if (errors.length < maxErrors) errors.push(error);
    else errorsOmitted += 1;
  };

  const writer = await openSongBulkWriter(db, policy);
  let settled = false;
  try {
    if (allOrNothing) await writer.begin();

    /** Never rejects: a failure is kept in `writeError` and ends the run at the next check. */
    const write = async (batch: SongBatch, rejectedLines: number[]) => {
      try {
        const outcome = await writer.writeBatch(batch);
        if (outcome.conflict) {
          conflict = { row: outcome.conflict, batch, rejectedLines };
          return;
        }
        counts.imported += outcome.imported;
        counts.updated += outcome.updated;
        counts.skipped += outcome.skipped;
        batchesWritten += 1;
        rowsWritten += batch.lines.length;
        await options.onBatchWritten?.(progress());
      } catch (error) {
        writeError = error;
      }
    };
    const failed = () => conflict !== null || writeError !== null;

    let batch = writer.newBatch();
    let rejectedLines: number[] = []; // of the rows read since the last batch was sent
    let writing: Promise<void> | null = null; // at most one batch in flight: parsing overlaps it
    /** Sends `batch`; the first full one decides the path (a file that fits one batch never bulk-loads). */
    const send = async () => {
      if (batchesSent === 0 && options.bulkLoad !== false) {
        try {
          bulk = await writer.beginBulkLoad();
        } catch (error) {
          writeError = error;
          return;
        }
      }
      batchesSent += 1;
      writing = write(batch, rejectedLines);
      batch = writer.newBatch(); // after write() has begun: its ids must come after this batch's
      rejectedLines = [];
    };
    try {
      reading: for await (const items of readSongCsvChunks(
        counted,
        options.onLayout ? { onLayout: options.onLayout } : {},
      )) {
        for (const item of items) {
          counts.read += 1;
          if (item.ok) {
            lastLine = item.row.line;
            // Once a strict run has a rejected row nothing will be kept: validating the rest is enough.
            if (!(strict && counts.rejected > 0)) batch.add(item.row);
          } else {
            lastLine = item.line;
            counts.rejected += 1;
            if (!overlapWrites) rejectedLines.push(item.line);
            for (const error of item.errors) addError(error);
          }
          if (counts.read % 4096 === 0) options.onProgress?.(progress());
          if (batch.lines.length >= batchSize) {
            if (writing) await writing;
            writing = null;
            if (failed()) break reading;
            await send();
            if (!overlapWrites || failed()) {
              if (writing) await writing;
              writing = null;
              if (failed()) break reading;
            }
          }
          if (options.signal?.aborted) {
            stopped = { reason: 'interrupted', line: lastLine, message: 'interrupted' };
            break reading;
          }
        }
      }
    } finally {
      if (writing) await writing;
    }
    // An interrupted run that commits batch by batch still writes the whole rows it has read.
    if (!failed() && batch.lines.length > 0 && !(allOrNothing && stopped)) await write(batch, rejectedLines);
    options.onProgress?.(progress());

    if (conflict !== null) {
      // The run stops at the conflicting row: rows after it in its batch count as not read.
      const {
        row,
        batch: conflicted,
        rejectedLines: rejectedNearby,
      } = conflict as NonNullable<typeof conflict>;
      const validAfter = conflicted.lines.filter((line) => line > row.line).length;
      const rejectedAfter = rejectedNearby.filter((line) => line > row.line).length;
      counts.read -= validAfter + rejectedAfter;
      counts.rejected -= rejectedAfter;
      errors = errors.filter((error) => error.line <= row.line);
      const message = `a song named ${JSON.stringify(row.name)} by ${JSON.stringify(row.artist)} already exists`;
      counts.rejected += 1;
      addError({ line: row.line, field: 'name', message: `${message} (--on-conflict fail)` });
      stopped = { reason: 'conflict', line: row.line, message };
    } else if (writeError !== null) {
      stopped = { reason: 'error', line: lastLine, message: describeError(writeError) };
    }

    // The run's own transaction: all-or-nothing runs, and bulk loads (whose batches all go in one).
    const transactional = allOrNothing || bulk;
    const keep =
      transactional &&
      !dryRun &&
      !(strict && counts.rejected > 0) &&
      (stopped === null || (!allOrNothing && stopped.reason === 'interrupted'));
    if (transactional && writeError === null) {
      if (keep) {
        try {
          if (bulk) {
            // Repeats of a (name, artist) within the file are only found now (song-bulk-writer.ts).
            const { duplicates } = await writer.finishBulkLoad();
            counts.imported -= duplicates;
            counts.skipped += duplicates;
          }
          await writer.commit();
        } catch (error) {
          writeError = error;
          stopped = { reason: 'error', line: lastLine, message: describeError(error) };
        }
      } else {
        if (bulk && dryRun) {
          const duplicates = await writer.countBulkDuplicates();
          counts.imported -= duplicates;
          counts.skipped += duplicates;
        }
        await writer.rollback();
      }
    }
    settled = true;
    const rolledBack = transactional && !dryRun && !(keep && writeError === null);
    errors.sort((a, b) => a.line - b.line);
    return {
      ...counts,
      ...(rolledBack ? { imported: 0, updated: 0, skipped: 0 } : {}),
      errors,
      errorsOmitted,
      dryRun,
      rolledBack,
      bulkLoad: bulk,
      stopped,
      durationMs: performance.now() - started,
    };
  } finally {
    // A failed statement leaves the transaction aborted; ROLLBACK is the way out (or a no-op).
    if (!settled || writeError !== null) await writer.rollback().catch(() => undefined);
    await writer.close();
  }
}
