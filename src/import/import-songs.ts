/**
 * Imports a songs CSV into a database: read and validate rows as a stream (song-csv-reader.ts),
 * write them in batches (song-writer.ts), and account for every row in one ImportTally.
 *
 * Batches of the default `skip` and `update` runs commit one by one, so an interrupted run keeps
 * whole batches and a re-run carries on. `--on-conflict fail`, `--strict` and `--dry-run` are
 * all-or-nothing: one transaction, committed only if the run ends as asked (never, for a dry run).
 * An import into an empty table that fills more than one batch is one transaction too, whatever
 * the options: the bulk-load path (bulk-load.ts), which rebuilds the indexes at the end.
 */
import { pipeline, type Readable, Transform } from 'node:stream';
import type { Database } from '../db/index.js';
import { type CsvLayout, type RowError, readSongCsvChunks } from './song-csv-reader.js';
import { type ConflictPolicy, type SongBatch, SongWriter } from './song-writer.js';
import { type ConflictingRow, ImportTally } from './tally.js';

export const DEFAULT_BATCH_SIZE = 10_000;
/** Errors kept in the report; the count of rejected rows is always complete. */
const DEFAULT_MAX_ERRORS = 1_000;

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
   * one transaction for the run, secondary indexes rebuilt at the end (bulk-load.ts).
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

type StopReason = 'interrupted' | 'conflict' | 'error';

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
const describeError = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Bytes read of `input`, counted on the way to the parser (a 'data' listener would start it flowing early). */
function countingBytes(input: Readable, onBytes: (bytes: number) => void): Readable {
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
  // Destroying `counted` (the reader does when it stops early) also destroys `input`, and an
  // error of `input` reaches the reader through `counted`: nothing to do in the callback.
  pipeline(input, counted, () => undefined);
  return counted;
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
  const tally = new ImportTally(options.maxErrors ?? DEFAULT_MAX_ERRORS);
  const writer = await SongWriter.open(db, options.onConflict ?? 'skip', tally);
  const run = new ImportRun(writer, tally, options);
  let ended = false;
  try {
    if (run.allOrNothing) await writer.begin();
    await run.readAndWrite(input);
    const rolledBack = await run.end();
    ended = true;
    if (rolledBack) tally.discardWrites();
    tally.errors.sort((a, b) => a.line - b.line);
    const { read, imported, updated, skipped, rejected, errors, errorsOmitted } = tally;
    return {
      ...{ read, imported, updated, skipped, rejected, errors, errorsOmitted },
      dryRun: run.dryRun,
      rolledBack,
      bulkLoad: writer.bulkLoad,
      stopped: run.stopped,
      durationMs: performance.now() - started,
    };
  } finally {
    // Thrown out of the run (an unreadable input, say): whatever is open is rolled back.
    if (!ended) await writer.rollback().catch(() => undefined);
    await writer.close();
  }
}

/** One run's reading and writing: batches are written while the next is parsed. */
class ImportRun {
  readonly strict: boolean;
  readonly dryRun: boolean;
  readonly allOrNothing: boolean;
  readonly #batchSize: number;
  // With `fail`, the next batch is read only once the last one is known to be conflict-free, so
  // that what the report counts when the run stops does not depend on timing.
  readonly #overlapWrites: boolean;
  stopped: ImportReport['stopped'] = null;
  #bytesRead = 0;
  #batchesSent = 0;
  #batchesWritten = 0;
  #rowsWritten = 0;
  #lastLine = 0;
  #conflict: { row: ConflictingRow; batch: SongBatch; rejectedLines: number[] } | null = null;
  #writeError: unknown = null;
  #batch: SongBatch;
  /** Lines of the rows rejected since the last batch was sent (`fail` only). */
  #rejectedLines: number[] = [];
  /** At most one batch in flight: parsing overlaps it. */
  #writing: Promise<void> | null = null;

  constructor(
    private readonly writer: SongWriter,
    private readonly tally: ImportTally,
    private readonly options: ImportOptions,
  ) {
    this.strict = options.strict ?? false;
    this.dryRun = options.dryRun ?? false;
    this.allOrNothing = this.strict || this.dryRun || options.onConflict === 'fail';
    this.#overlapWrites = options.onConflict !== 'fail';
    this.#batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.#batch = writer.newBatch();
  }

  #progress(): ImportProgress {
    return {
      rowsRead: this.tally.read,
      bytesRead: this.#bytesRead,
      totalBytes: this.options.totalBytes ?? null,
      batchesWritten: this.#batchesWritten,
      rowsWritten: this.#rowsWritten,
    };
  }

  #failed(): boolean {
    return this.#conflict !== null || this.#writeError !== null;
  }

  /** Waits for the batch in flight; true if the run must stop. */
  async #settle(): Promise<boolean> {
    if (this.#writing) await this.#writing;
    this.#writing = null;
    return this.#failed();
  }

  /** Never rejects: a failure is kept in `#writeError` and ends the run at the next check. */
  async #write(batch: SongBatch, rejectedLines: number[]): Promise<void> {
    try {
      const conflict = await this.writer.writeBatch(batch);
      if (conflict) {
        this.#conflict = { row: conflict, batch, rejectedLines };
        return;
      }
      this.#batchesWritten += 1;
      this.#rowsWritten += batch.lines.length;
      await this.options.onBatchWritten?.(this.#progress());
    } catch (error) {
      this.#writeError = error;
    }
  }

  /** Sends the batch in hand; the first full one decides the path (a file that fits one batch never bulk-loads). */
  async #send(): Promise<void> {
    if (this.#batchesSent === 0 && this.options.bulkLoad !== false) {
      try {
        await this.writer.startBulkLoad();
      } catch (error) {
        this.#writeError = error;
        return;
      }
    }
    this.#batchesSent += 1;
    this.#writing = this.#write(this.#batch, this.#rejectedLines);
    this.#batch = this.writer.newBatch(); // after write() has begun: its ids must come after this batch's
    this.#rejectedLines = [];
  }

  /** Takes one batch's worth of the file at a time; stops at the end, a failure or an abort. */
  async readAndWrite(input: Readable): Promise<void> {
    const counted = countingBytes(input, (bytes) => {
      this.#bytesRead += bytes;
    });
    const { onLayout, signal, onProgress } = this.options;
    const { tally } = this;
    try {
      reading: for await (const items of readSongCsvChunks(counted, onLayout ? { onLayout } : {})) {
        for (const item of items) {
          tally.read += 1;
          if (item.ok) {
            this.#lastLine = item.row.line;
            // Once a strict run has a rejected row nothing will be kept: validating the rest is enough.
            if (!(this.strict && tally.rejected > 0)) this.#batch.add(item.row);
          } else {
            this.#lastLine = item.line;
            tally.reject(item.errors);
            if (!this.#overlapWrites) this.#rejectedLines.push(item.line);
          }
          if (tally.read % 4096 === 0) onProgress?.(this.#progress());
          if (this.#batch.lines.length >= this.#batchSize) {
            if (await this.#settle()) break reading;
            await this.#send();
            if ((!this.#overlapWrites || this.#failed()) && (await this.#settle())) break reading;
          }
          if (signal?.aborted) {
            this.stopped = { reason: 'interrupted', line: this.#lastLine, message: 'interrupted' };
            break reading;
          }
        }
      }
    } finally {
      await this.#settle();
    }
    // An interrupted run that commits batch by batch still writes the whole rows it has read.
    if (!this.#failed() && this.#batch.lines.length > 0 && !(this.allOrNothing && this.stopped)) {
      await this.#write(this.#batch, this.#rejectedLines);
    }
    onProgress?.(this.#progress());
    this.#noteFailure();
  }

  #noteFailure(): void {
    if (this.#conflict !== null) {
      // The run stops at the conflicting row: rows after it in its batch count as not read.
      const { row, batch, rejectedLines } = this.#conflict;
      const validAfter = batch.lines.filter((line) => line > row.line).length;
      const message = this.tally.stopAtConflict(row, validAfter, rejectedLines);
      this.stopped = { reason: 'conflict', line: row.line, message };
    } else if (this.#writeError !== null) {
      this.stopped = { reason: 'error', line: this.#lastLine, message: describeError(this.#writeError) };
    }
  }

  /**
   * Ends the run's own transaction (all-or-nothing runs, and bulk loads, whose batches all go in
   * one): commits if the run ended as asked, else rolls back. True when valid rows were rolled back.
   */
  async end(): Promise<boolean> {
    const transactional = this.allOrNothing || this.writer.bulkLoad;
    if (!transactional) return false;
    if (this.#writeError !== null) {
      // A failed statement leaves the transaction aborted; ROLLBACK is the way out.
      await this.writer.rollback().catch(() => undefined);
      return !this.dryRun;
    }
    const keep =
      !this.dryRun &&
      !(this.strict && this.tally.rejected > 0) &&
      (this.stopped === null || (!this.allOrNothing && this.stopped.reason === 'interrupted'));
    if (!keep) {
      await this.writer.rollback({ countRepeats: this.dryRun });
      return !this.dryRun;
    }
    try {
      await this.writer.commit();
      return false;
    } catch (error) {
      this.#writeError = error;
      this.stopped = { reason: 'error', line: this.#lastLine, message: describeError(error) };
      await this.writer.rollback().catch(() => undefined);
      return true;
    }
  }
}
