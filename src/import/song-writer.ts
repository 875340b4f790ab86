/**
 * The import's writer: the one place that writes songs below Prisma, over a Session of src/db.
 * It chooses the write path and adds each batch's outcome to the run's ImportTally:
 *
 * - DIRECT (bulk-load.ts, shadow-load.ts): an empty table and `skip`: batches are COPYed straight
 *   into `songs`, or into the shadow table that replaces it (PostgreSQL).
 * - staging (staging.ts): `skip` into a table with rows, and `fail`: COPY into a staging table,
 *   then INSERT … ON CONFLICT.
 * - update (staging.ts): as staging, with repeats within a batch folded first.
 *
 * Why not Prisma: `createMany` costs Node time per row whatever the batch size, and it has no
 * "which rows were inserted, which updated" answer.
 *
 * Each batch statement is atomic on its own; a caller wanting all-or-nothing calls begin() first.
 */
import type { Database, Session } from '../db/index.js';
import { type BulkLoad, startBulkLoad } from './bulk-load.js';
import { SONG_COLUMNS } from './bulk-sql.js';
import { CopyData } from './copy-data.js';
import type { ValidSongRow } from './song-csv-reader.js';
import {
  CREATE_STAGING,
  EMPTY_STAGING,
  FIRST_CONFLICT,
  FOLDED_COLUMNS,
  foldRepeats,
  INSERT_OR_SKIP,
  INSERT_OR_UPDATE,
  STAGING,
  STAGING_COLUMNS,
} from './staging.js';
import type { ConflictingRow, ImportTally } from './tally.js';
import { type TimeOrderedIdBatch, timeOrderedIds } from './time-ordered-ids.js';

export type ConflictPolicy = 'skip' | 'update' | 'fail';
export const CONFLICT_POLICIES: readonly ConflictPolicy[] = ['skip', 'update', 'fail'];

/** How a batch's rows wait to be written. */
type BatchEncoding =
  /** As rows: until the write path is settled (the first batch), and for `update`, which folds repeats. */
  | { kind: 'rows' }
  /** Staging columns (line, id, name, artist, streams, released_on): `skip` and `fail`. */
  | { kind: 'staging' }
  /** Straight into `songs` (id, name, artist, streams, released_on, created_at, updated_at). */
  | { kind: 'direct'; stamps: string };

/** Rows on their way to the database, in file order. Made by `SongWriter.newBatch()`. */
export interface SongBatch {
  /** The line of each row added, in order. */
  readonly lines: readonly number[];
  add(row: ValidSongRow): void;
}

class EncodedSongBatch implements SongBatch {
  readonly lines: number[] = [];
  readonly rows: ValidSongRow[] = [];
  readonly copy: CopyData | null;
  readonly #ids: TimeOrderedIdBatch | null;

  constructor(
    readonly encoding: BatchEncoding,
    ids: () => TimeOrderedIdBatch,
    capacity?: number,
  ) {
    const encoded = encoding.kind !== 'rows';
    this.copy = encoded ? new CopyData(capacity) : null;
    this.#ids = encoded ? ids() : null;
  }

  add(row: ValidSongRow): void {
    this.lines.push(row.line);
    const { copy, encoding } = this;
    const ids = this.#ids;
    if (copy === null || ids === null) {
      this.rows.push(row);
      return;
    }
    if (encoding.kind === 'staging') copy.ascii(String(row.line));
    copy.song(row, ids);
    if (encoding.kind === 'direct') copy.ascii(encoding.stamps);
    copy.endRow();
  }
}

export class SongWriter {
  readonly #ids = timeOrderedIds();
  #inTransaction = false;
  #bulk: BulkLoad | null = null;
  #tookBulkLoad = false;
  /** Set by the first write: how every later batch encodes its rows. */
  #settled: BatchEncoding | null = null;
  /** A batch is sized after the last one sent, so that it rarely grows (each growth is a copy). */
  #lastBatchBytes: number | undefined;

  private constructor(
    private readonly session: Session,
    private readonly openSession: Database['openSession'],
    private readonly kind: Database['kind'],
    private readonly policy: ConflictPolicy,
    private readonly tally: ImportTally,
  ) {}

  static async open(db: Database, policy: ConflictPolicy, tally: ImportTally): Promise<SongWriter> {
    const session = await db.openSession();
    try {
      await session.query(CREATE_STAGING);
      await session.query(EMPTY_STAGING);
    } catch (error) {
      await session.close();
      throw error;
    }
    return new SongWriter(session, () => db.openSession(), db.kind, policy, tally);
  }

  /** The run took the bulk-load path. */
  get bulkLoad(): boolean {
    return this.#tookBulkLoad;
  }

  /** Opens a transaction around the following batches (for all-or-nothing runs). */
  async begin(): Promise<void> {
    await this.session.query('BEGIN');
    this.#inTransaction = true;
  }

  /**
   * Takes the bulk-load path if `songs` is empty (bulk-load.ts), in a transaction for the rest of
   * the run. False, with nothing changed, when it cannot. Call before the first batch.
   */
  async startBulkLoad(): Promise<boolean> {
    const opened = !this.#inTransaction;
    if (opened) await this.begin();
    this.#bulk = await startBulkLoad(this.session, {
      kind: this.kind,
      direct: this.policy === 'skip',
      openSession: this.openSession,
    });
    this.#tookBulkLoad = this.#bulk !== null;
    if (!this.#tookBulkLoad && opened) await this.#end('COMMIT');
    return this.#tookBulkLoad;
  }

  /**
   * A new, empty batch. Create batches in file order: the ids of their rows are given in that order.
   * Before the first batch is written the write path is not settled, and a batch keeps its rows as
   * they are; after, a batch encodes each row as COPY data as it is added.
   */
  newBatch(): SongBatch {
    return new EncodedSongBatch(this.#settled ?? { kind: 'rows' }, this.#ids.nextBatch, this.#capacityHint());
  }

  /**
   * Writes one batch, atomically, and adds its outcome to the tally. One batch at a time: await
   * each before the next. `fail` policy: returns the batch's first conflicting row, and then
   * nothing of the batch was written.
   */
  async writeBatch(batch: SongBatch): Promise<ConflictingRow | null> {
    if (!(batch instanceof EncodedSongBatch)) throw new TypeError('Write batches made by newBatch()');
    if (batch.lines.length === 0) return null;
    // Synchronously, before any await: a batch made after this one must get later ids.
    const ready = this.#encoded(batch);
    this.#settled ??= this.#encoding();
    if (ready.copy !== null) this.#lastBatchBytes = ready.copy.size;
    if (ready.encoding.kind === 'direct' && ready.copy !== null) {
      await this.session.copyIn(this.#bulk?.target ?? 'songs', SONG_COLUMNS, ready.copy.data);
      // Repeats are found, and counted as skipped, when the bulk load finishes (commit()).
      this.tally.add({ imported: ready.lines.length, updated: 0, skipped: 0 });
      return null;
    }
    try {
      return await (ready.copy === null
        ? this.#writeUpdate(ready.rows)
        : this.#writeStaged(ready.copy.data, ready.lines.length));
    } finally {
      // Best effort: inside a failed transaction this fails too, and the first error is the story.
      await this.session.query(EMPTY_STAGING).catch(() => undefined);
    }
  }

  /** Ends the run's transaction keeping its writes (a bulk load rebuilds its indexes first). */
  async commit(): Promise<void> {
    const bulk = this.#bulk;
    if (bulk === null) {
      await this.#end('COMMIT');
      return;
    }
    const repeats = await bulk.finish();
    this.tally.add({ imported: -repeats, updated: 0, skipped: repeats });
    this.#bulk = null;
    this.#inTransaction = false;
    await bulk.commit();
  }

  /** Ends the run's transaction without its writes; a dry run still counts a bulk load's repeats. */
  async rollback(options: { countRepeats?: boolean } = {}): Promise<void> {
    const bulk = this.#bulk;
    if (bulk === null) {
      await this.#end('ROLLBACK');
      return;
    }
    if (options.countRepeats) {
      const repeats = await bulk.countRepeats();
      this.tally.add({ imported: -repeats, updated: 0, skipped: repeats });
    }
    this.#bulk = null;
    this.#inTransaction = false;
    await bulk.rollback();
  }

  /** Releases the session (a transaction still open is rolled back). */
  close(): Promise<void> {
    return this.session.close();
  }

  async #end(statement: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    this.#inTransaction = false;
    await this.session.query(statement);
  }

  #capacityHint(): number | undefined {
    return this.#lastBatchBytes === undefined ? undefined : Math.ceil(this.#lastBatchBytes * 1.25);
  }

  #encoding(): BatchEncoding {
    if (this.#bulk?.directStamps) return { kind: 'direct', stamps: this.#bulk.directStamps };
    return this.policy === 'update' ? { kind: 'rows' } : { kind: 'staging' };
  }

  /** The batch as the current path writes it: a batch of rows made before the path was settled is encoded now. */
  #encoded(batch: EncodedSongBatch): EncodedSongBatch {
    const encoding = this.#encoding();
    if (batch.encoding.kind === encoding.kind) return batch;
    if (batch.encoding.kind !== 'rows') {
      throw new Error(
        `A batch encoded for the ${batch.encoding.kind} path cannot be written by the ${encoding.kind} path`,
      );
    }
    const again = new EncodedSongBatch(encoding, this.#ids.nextBatch, this.#capacityHint());
    for (const row of batch.rows) again.add(row);
    return again;
  }

  async #writeStaged(data: Uint8Array, rows: number): Promise<ConflictingRow | null> {
    await this.session.copyIn(STAGING, STAGING_COLUMNS, data);
    if (this.policy === 'fail') {
      const [conflict] = (await this.session.query<ConflictingRow>(FIRST_CONFLICT)).rows;
      if (conflict) return conflict;
    }
    const { rowCount } = await this.session.query(INSERT_OR_SKIP);
    this.tally.add({ imported: rowCount, updated: 0, skipped: rows - rowCount });
    return null;
  }

  /** `update`: repeats within the batch are folded first (see foldRepeats). */
  async #writeUpdate(rows: readonly ValidSongRow[]): Promise<null> {
    const { folded, updated, skipped } = foldRepeats(rows);
    const ids = this.#ids.nextBatch();
    const copy = new CopyData();
    for (const row of folded) {
      copy.ascii(String(row.line));
      copy.song(row, ids);
      copy.ascii(String(row.firstStreams));
      copy.ascii(row.firstReleasedOn);
      copy.endRow();
    }
    await this.session.copyIn(STAGING, FOLDED_COLUMNS, copy.data);
    const [counts] = (
      await this.session.query<{ imported: number; updated: number; unchanged: number }>(INSERT_OR_UPDATE)
    ).rows;
    this.tally.add({
      imported: counts?.imported ?? 0,
      updated: updated + (counts?.updated ?? 0),
      skipped: skipped + (counts?.unchanged ?? 0),
    });
    return null;
  }
}
