/**
 * The bulk write path of the CSV import: the one place that writes songs below Prisma.
 *
 * Why not Prisma: `createMany` spends about 0.1 ms of Node time per row (10k rows/s whatever the
 * batch size), and it has no "which rows were inserted, which updated" answer. Here a batch is
 * one COPY into a temporary staging table, then one INSERT … SELECT … ON CONFLICT into `songs`:
 *
 * - PostgreSQL: COPY FROM STDIN over a dedicated `pg` connection (pg-copy-streams).
 * - PGlite: COPY FROM '/dev/blob', PGlite's way of feeding COPY from memory.
 *
 * Each batch statement is atomic on its own; a caller wanting all-or-nothing wraps the batches in
 * begin()/commit(). Counts follow "as if the rows were written one by one, in file order": a
 * row whose (name, artist) already exists, in the table or earlier in the file, is skipped,
 * updated (only if its values differ; otherwise skipped as unchanged) or a conflict.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database, DatabaseDriver } from '../db/index.js';
import type { ValidSongRow } from './song-csv-reader.js';
import { type TimeOrderedIdBatch, timeOrderedIds, UUID_TEXT_LENGTH } from './time-ordered-ids.js';

export type ConflictPolicy = 'skip' | 'update' | 'fail';
export const CONFLICT_POLICIES: readonly ConflictPolicy[] = ['skip', 'update', 'fail'];

/** A row whose (name, artist) already exists, in the table or earlier in the file. */
export interface ConflictingRow {
  line: number;
  name: string;
  artist: string;
}

export interface BatchOutcome {
  imported: number;
  updated: number;
  skipped: number;
  /** `fail` policy: the batch's first conflicting row; then nothing of the batch was written. */
  conflict?: ConflictingRow;
}

export interface SongBulkWriter {
  /** Opens a transaction around the following batches (for all-or-nothing runs). */
  begin(): Promise<void>;
  /**
   * Switches to the bulk-load path if `songs` is empty (see BULK LOAD below): opens a transaction
   * if none is open, locks the table, drops its secondary indexes. False, with nothing changed,
   * when the table has rows or cannot be locked at once. Call before the first batch.
   */
  beginBulkLoad(): Promise<boolean>;
  /**
   * Recreates the indexes `beginBulkLoad` dropped, in the open transaction (commit() does it too).
   * Tells how many rows it removed as repeats of an earlier row's (name, artist): a `skip` bulk
   * load counts each batch as imported, and only finds repeats here (see DIRECT below).
   */
  finishBulkLoad(): Promise<{ duplicates: number }>;
  /** For a dry run, which rolls back without rebuilding: what finishBulkLoad would remove. */
  countBulkDuplicates(): Promise<number>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /**
   * A new, empty batch. Create batches in file order: the ids of their rows are given in that order.
   * Before the first batch is written the write path is not settled, and a batch keeps its rows as
   * they are; after, a batch encodes each row as COPY data as it is added.
   */
  newBatch(): SongBatch;
  /** Writes one batch, atomically. One batch at a time: await each before the next. */
  writeBatch(batch: SongBatch): Promise<BatchOutcome>;
  /** Releases the connection (a transaction still open is rolled back). */
  close(): Promise<void>;
}

const STAGING = 'song_import_staging';

// `first_*`: the update policy folds repeats of a key within a batch into one row (ON CONFLICT DO
// UPDATE may touch a row once per statement) and keeps the first values to count that row's outcome.
const CREATE_STAGING = `
  CREATE TEMP TABLE IF NOT EXISTS ${STAGING} (
    line integer NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL,
    artist text NOT NULL,
    streams float8 NOT NULL,
    released_on date NOT NULL,
    first_streams float8,
    first_released_on date
  )`;

// In (name, artist) order, so the unique index is walked in order rather than at random; `line`
// last, so that of two rows with one key the first in the file is the one inserted.
const INSERT_FROM_STAGING = `
  INSERT INTO songs (id, name, artist, streams, released_on, created_at, updated_at)
  SELECT id, name, artist, streams, released_on, now(), now()
  FROM ${STAGING} ORDER BY name, artist, line`;

const INSERT_OR_SKIP = `${INSERT_FROM_STAGING} ON CONFLICT (name, artist) DO NOTHING`;

// All parts of one statement see the same snapshot, so `before` sees the table as it was before
// `written` changed it: exact counts in one round trip. Unchanged rows are not rewritten.
const INSERT_OR_UPDATE = `
  WITH before AS (
    SELECT s.id IS NOT NULL AS existed,
           s.streams = i.first_streams AND s.released_on = i.first_released_on AS first_unchanged
    FROM ${STAGING} i LEFT JOIN songs s ON s.name = i.name AND s.artist = i.artist
  ), written AS (
    ${INSERT_FROM_STAGING}
    ON CONFLICT (name, artist) DO UPDATE
      SET streams = EXCLUDED.streams, released_on = EXCLUDED.released_on, updated_at = EXCLUDED.updated_at
      WHERE (songs.streams, songs.released_on) IS DISTINCT FROM (EXCLUDED.streams, EXCLUDED.released_on)
    RETURNING 1
  )
  SELECT count(*) FILTER (WHERE NOT existed)::int AS imported,
         count(*) FILTER (WHERE existed AND NOT first_unchanged)::int AS updated,
         count(*) FILTER (WHERE existed AND first_unchanged)::int AS unchanged
  FROM before`;

/** The first staged row whose key is already in the table or earlier in the batch. */
const FIRST_CONFLICT = `
  SELECT line, name, artist FROM (
    SELECT line, name, artist, row_number() OVER (PARTITION BY name, artist ORDER BY line) AS nth
    FROM ${STAGING}
  ) numbered
  WHERE nth > 1 OR EXISTS (SELECT 1 FROM songs s WHERE s.name = numbered.name AND s.artist = numbered.artist)
  ORDER BY line LIMIT 1`;

const EMPTY_STAGING = `TRUNCATE ${STAGING}`;

/*
 * BULK LOAD. Keeping seven secondary indexes (five B-trees, two trigram GINs) up to date row by
 * row is most of the cost of a large import: measured here, inserting 1M rows took 26.6 s with
 * every index and 5.8 s with only the primary key and the unique (name, artist) index, and
 * building the seven afterwards about 5 s more. So, as pg_restore does, an import into an EMPTY
 * table drops those indexes, loads every batch, and rebuilds them, all in one transaction:
 *
 * - The definitions are read from the catalog (pg_get_indexdef, what pg_indexes shows) and
 *   replayed verbatim, so the rebuilt indexes are the migration's, name and all.
 * - Unique indexes and indexes behind constraints stay: ON CONFLICT (name, artist) needs the
 *   unique one, and they keep the table's guarantees during the load.
 * - DDL is transactional: a rollback (failure, --strict, fail, dry run, a killed process)
 *   restores the indexes as they were, and nothing of the run stays.
 * - ACCESS EXCLUSIVE lock for the whole run: concurrent readers and writers of `songs` wait until
 *   the import commits. Acceptable for an initial load; a table with rows takes the incremental
 *   path, which never blocks readers.
 */
const BULK_SAVEPOINT = 'song_bulk_load';

/** Rows present? (One row is enough to know.) */
const SONGS_NOT_EMPTY = `SELECT EXISTS (SELECT 1 FROM songs) AS "notEmpty"`;

/** The secondary indexes of `songs`: not unique, not behind a constraint. */
const SECONDARY_INDEXES = `
  SELECT format('%I.%I', n.nspname, c.relname) AS "qualifiedName",
         pg_get_indexdef(i.indexrelid) AS definition,
         obj_description(i.indexrelid, 'pg_class') AS comment
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE i.indrelid = 'songs'::regclass
    AND NOT i.indisunique AND NOT i.indisprimary AND NOT i.indisexclusion
    AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
  ORDER BY c.relname`;

/*
 * DIRECT. With `skip` (the default), a bulk load also drops the unique (name, artist) index and
 * COPYs each batch straight into `songs`: no staging table, no INSERT … SELECT, no per-row
 * conflict check (3x less database time per batch). A repeated (name, artist) can then only come
 * from the file itself, and is found at the end: building the unique index fails on a repeat,
 * and then every row but the first of each key (the smallest id: ids grow in file order) is
 * deleted before building it again. The run's counts are the same as row by row.
 */
const UNIQUE_INDEXES = `
  SELECT format('%I.%I', n.nspname, c.relname) AS "qualifiedName",
         pg_get_indexdef(i.indexrelid) AS definition,
         obj_description(i.indexrelid, 'pg_class') AS comment,
         EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) AS "backsConstraint"
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE i.indrelid = 'songs'::regclass AND i.indisunique AND NOT i.indisprimary`;

/** The key the import deduplicates on, and nothing else (no expression, no predicate). */
const NAME_ARTIST_KEY = /USING btree \(name, artist\)$/;

const REPEATS = `SELECT (count(*) - count(DISTINCT (name, artist)))::int AS repeats FROM songs`;

const DELETE_REPEATS = `
  DELETE FROM songs s USING (
    SELECT id FROM (
      SELECT id, row_number() OVER (PARTITION BY name, artist ORDER BY id) AS nth FROM songs
    ) numbered WHERE nth > 1
  ) repeat
  WHERE s.id = repeat.id`;

const UNIQUE_VIOLATION = '23505';

interface SecondaryIndex {
  qualifiedName: string;
  definition: string;
  comment: string | null;
}

/** SQL string literal (standard_conforming_strings is on since PostgreSQL 9.1). */
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** What a batch needs from a driver: COPY text into staging, and plain statements. */
interface StagingConnection {
  copyInto(table: string, columns: string, data: Uint8Array): Promise<void>;
  query<Row>(sql: string): Promise<{ rows: Row[]; rowCount: number }>;
  close(): Promise<void>;
}

/** Memory for the index rebuild: more means fewer sort runs and GIN flushes. Server-side, not Node's. */
const REBUILD_MEMORY = { postgres: '256MB', pglite: '64MB' } as const;

async function connectPostgres(connectionString: string): Promise<StagingConnection> {
  const client = new pg.Client({ connectionString, application_name: 'songs-import' });
  await client.connect();
  return {
    copyInto: async (table, columns, data) => {
      const sink = client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN`));
      await pipeline(Readable.from([data]), sink);
    },
    query: async <Row>(sql: string) => {
      const result = await client.query(sql);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    },
    // The temporary staging table goes with the session.
    close: () => client.end(),
  };
}

function connectPGlite(pglite: PGlite): StagingConnection {
  return {
    copyInto: async (table, columns, data) => {
      await pglite.query(`COPY ${table} (${columns}) FROM '/dev/blob'`, [], { blob: new Blob([data]) });
    },
    query: async <Row>(sql: string) => {
      const result = await pglite.query<Row>(sql);
      return { rows: result.rows, rowCount: result.affectedRows ?? 0 };
    },
    // PGlite has one session, shared with Prisma: the staging table must not outlive the import.
    close: async () => {
      if (pglite.closed) return;
      if (pglite.isInTransaction()) await pglite.exec('ROLLBACK');
      await pglite.exec(`DROP TABLE IF EXISTS pg_temp.${STAGING}`);
    },
  };
}

// COPY's text format: backslash, tab and line breaks in a value must be escaped.
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIAL_ALL = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };
const copyValue = (text: string) =>
  COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIAL_ALL, (char) => COPY_ESCAPES[char] as string) : text;

const TAB = 0x09;
const NEWLINE = 0x0a;
/** Worst case of UTF-8 bytes per UTF-16 code unit. */
const MAX_UTF8_BYTES_PER_UNIT = 3;

/**
 * COPY text (one line per row, tab-separated) written straight into bytes, growing as needed.
 *
 * Why bytes and not a string per batch: rows wait in their batch while the batch before is being
 * written, long enough to survive young-generation collections; as objects and strings they were
 * copied and promoted, and garbage collection took 40% of the import's time. In a Buffer (memory
 * outside the JavaScript heap) a waiting row costs the collector nothing.
 */
class CopyData {
  #bytes: Buffer;
  #length = 0;

  constructor(capacity = 1 << 20) {
    this.#bytes = Buffer.allocUnsafeSlow(capacity);
  }

  #reserve(bytes: number): void {
    const needed = this.#length + bytes;
    if (needed <= this.#bytes.length) return;
    let capacity = this.#bytes.length * 2;
    while (capacity < needed) capacity *= 2;
    const grown = Buffer.allocUnsafeSlow(capacity);
    this.#bytes.copy(grown, 0, 0, this.#length);
    this.#bytes = grown;
  }

  /** A value that may hold COPY's special characters. Then a tab. */
  text(value: string): void {
    const escaped = copyValue(value);
    this.#reserve(escaped.length * MAX_UTF8_BYTES_PER_UNIT + 1);
    this.#length += this.#bytes.write(escaped, this.#length, 'utf8');
    this.#bytes[this.#length++] = TAB;
  }

  /** A value known to be plain ASCII (a number, a date, a timestamp). Then a tab. */
  ascii(value: string): void {
    this.#reserve(value.length + 1);
    this.#length += this.#bytes.write(value, this.#length, 'latin1');
    this.#bytes[this.#length++] = TAB;
  }

  /** The next id of `ids`. Then a tab. */
  id(ids: TimeOrderedIdBatch): void {
    this.#reserve(UUID_TEXT_LENGTH + 1);
    this.#length = ids.writeNext(this.#bytes, this.#length);
    this.#bytes[this.#length++] = TAB;
  }

  /** A new song's columns: id, name, artist, streams, released_on. Then a tab. */
  song(row: ValidSongRow, ids: TimeOrderedIdBatch): void {
    this.id(ids);
    this.text(row.name);
    this.text(row.artist);
    this.ascii(String(row.streams)); // `String(number)` round-trips a float8 exactly
    this.ascii(row.releasedOn);
  }

  /** Ends the row: its last tab becomes the line break. */
  endRow(): void {
    this.#bytes[this.#length - 1] = NEWLINE;
  }

  get size(): number {
    return this.#length;
  }

  /** The bytes written (a view: valid until the next write). */
  get data(): Uint8Array {
    return this.#bytes.subarray(0, this.#length);
  }
}

/** How a batch's rows wait to be written. */
type BatchEncoding =
  /** As rows: until the write path is settled (the first batch), and for `update`, which folds repeats. */
  | { kind: 'rows' }
  /** Staging columns (line, id, name, artist, streams, released_on): `skip` and `fail`. */
  | { kind: 'staging' }
  /** Straight into `songs` (id, name, artist, streams, released_on, created_at, updated_at). */
  | { kind: 'direct'; stamps: string };

const STAGING_COLUMNS = 'line, id, name, artist, streams, released_on';
const DIRECT_COLUMNS = 'id, name, artist, streams, released_on, created_at, updated_at';

/** Rows on their way to the database, in file order. Made by `SongBulkWriter.newBatch()`. */
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

interface FoldedRow extends ValidSongRow {
  firstStreams: number;
  firstReleasedOn: string;
}

/**
 * For the update policy: repeats of a key within the batch become one row carrying the first and
 * the last values; each repeat is counted here against the value before it.
 */
function foldRepeats(rows: readonly ValidSongRow[]): {
  folded: FoldedRow[];
  updated: number;
  skipped: number;
} {
  const byKey = new Map<string, FoldedRow>();
  let updated = 0;
  let skipped = 0;
  for (const row of rows) {
    const key = `${row.name}\0${row.artist}`; // NUL never occurs in a valid row
    const seen = byKey.get(key);
    if (seen === undefined) {
      byKey.set(key, { ...row, firstStreams: row.streams, firstReleasedOn: row.releasedOn });
    } else if (seen.streams === row.streams && seen.releasedOn === row.releasedOn) {
      skipped += 1;
    } else {
      updated += 1;
      seen.streams = row.streams;
      seen.releasedOn = row.releasedOn;
    }
  }
  return { folded: [...byKey.values()], updated, skipped };
}

function driverOf(db: Database): DatabaseDriver {
  if (!db.driver)
    throw new Error('The bulk import needs a Database from src/db (openDatabase) with its driver');
  return db.driver;
}

export async function openSongBulkWriter(db: Database, policy: ConflictPolicy): Promise<SongBulkWriter> {
  const driver = driverOf(db);
  const connection =
    driver.kind === 'postgres'
      ? await connectPostgres(driver.connectionString)
      : connectPGlite(driver.pglite);
  try {
    await connection.query(CREATE_STAGING);
    await connection.query(EMPTY_STAGING);
  } catch (error) {
    await connection.close();
    throw error;
  }

  let inTransaction = false;
  let dropped: SecondaryIndex[] | null = null;
  /** DIRECT: the dropped unique (name, artist) index, and the transaction's now() as COPY text. */
  let direct: { uniqueKey: SecondaryIndex; now: string } | null = null;

  const beginBulkLoad = async (): Promise<boolean> => {
    const notEmpty = async () =>
      (await connection.query<{ notEmpty: boolean }>(SONGS_NOT_EMPTY)).rows[0]?.notEmpty ?? true;
    // Cheap look first, without a lock: most runs into a table with rows stop here.
    if (await notEmpty()) return false;
    const opened = !inTransaction;
    if (opened) await connection.query('BEGIN');
    inTransaction = true;
    // A savepoint, so that giving up releases the lock (and the lock_timeout) with it.
    await connection.query(`SAVEPOINT ${BULK_SAVEPOINT}`);
    try {
      // Never queue behind a long transaction of someone else's (and make everyone queue behind us).
      await connection.query(`SET LOCAL lock_timeout = '2s'`);
      await connection.query('LOCK TABLE songs IN ACCESS EXCLUSIVE MODE');
      // Rows may have come in between the look and the lock.
      if (await notEmpty()) throw new Error('songs is no longer empty');
      await connection.query('SET LOCAL lock_timeout TO DEFAULT');
      const indexes = (await connection.query<SecondaryIndex>(SECONDARY_INDEXES)).rows;
      for (const index of indexes) await connection.query(`DROP INDEX ${index.qualifiedName}`);
      if (policy === 'skip') {
        const unique = (await connection.query<SecondaryIndex & { backsConstraint: boolean }>(UNIQUE_INDEXES))
          .rows;
        const [key] = unique;
        if (unique.length === 1 && key && !key.backsConstraint && NAME_ARTIST_KEY.test(key.definition)) {
          await connection.query(`DROP INDEX ${key.qualifiedName}`);
          // What now() gives the INSERT path (the transaction's start), so both paths write the same.
          const [clock] = (await connection.query<{ now: string }>('SELECT now()::text AS now')).rows;
          direct = { uniqueKey: key, now: clock?.now as string };
        }
      }
      await connection.query(`RELEASE SAVEPOINT ${BULK_SAVEPOINT}`);
      dropped = indexes;
      return true;
    } catch {
      // The incremental path works whatever happened here; undo this attempt and take it.
      await connection.query(`ROLLBACK TO SAVEPOINT ${BULK_SAVEPOINT}`);
      await connection.query(`RELEASE SAVEPOINT ${BULK_SAVEPOINT}`);
      if (opened) {
        await connection.query('COMMIT');
        inTransaction = false;
      }
      return false;
    }
  };

  const finishBulkLoad = async (): Promise<{ duplicates: number }> => {
    if (dropped === null) return { duplicates: 0 };
    await connection.query(`SET LOCAL maintenance_work_mem = '${REBUILD_MEMORY[driver.kind]}'`);
    let duplicates = 0;
    if (direct !== null) {
      const { uniqueKey } = direct;
      // Optimistic: a file without repeats (the usual initial load) needs no deduplication pass.
      await connection.query(`SAVEPOINT ${BULK_SAVEPOINT}`);
      try {
        await connection.query(uniqueKey.definition);
        await connection.query(`RELEASE SAVEPOINT ${BULK_SAVEPOINT}`);
      } catch (error) {
        if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
        await connection.query(`ROLLBACK TO SAVEPOINT ${BULK_SAVEPOINT}`);
        await connection.query(`RELEASE SAVEPOINT ${BULK_SAVEPOINT}`);
        duplicates = (await connection.query(DELETE_REPEATS)).rowCount;
        await connection.query(uniqueKey.definition);
      }
      if (uniqueKey.comment !== null) {
        await connection.query(
          `COMMENT ON INDEX ${uniqueKey.qualifiedName} IS ${literal(uniqueKey.comment)}`,
        );
      }
      direct = null;
    }
    for (const index of dropped) {
      await connection.query(index.definition);
      if (index.comment !== null) {
        await connection.query(`COMMENT ON INDEX ${index.qualifiedName} IS ${literal(index.comment)}`);
      }
    }
    dropped = null;
    return { duplicates };
  };

  const countBulkDuplicates = async (): Promise<number> =>
    direct === null ? 0 : ((await connection.query<{ repeats: number }>(REPEATS)).rows[0]?.repeats ?? 0);

  const ids = timeOrderedIds();
  /** Set by the first write: how every later batch encodes its rows. */
  let settled: BatchEncoding | null = null;
  const currentEncoding = (): BatchEncoding => {
    if (direct !== null) return { kind: 'direct', stamps: `${direct.now}\t${direct.now}` };
    return policy === 'update' ? { kind: 'rows' } : { kind: 'staging' };
  };
  /** A batch is sized after the last one sent, so that it rarely grows (each growth is a copy). */
  let lastBatchBytes: number | undefined;
  const capacityHint = () => (lastBatchBytes === undefined ? undefined : Math.ceil(lastBatchBytes * 1.25));

  const newBatch = (): EncodedSongBatch =>
    new EncodedSongBatch(settled ?? { kind: 'rows' }, ids.nextBatch, capacityHint());

  /** The batch as the current path writes it: a batch of rows made before the path was settled is encoded now. */
  const encoded = (batch: EncodedSongBatch): EncodedSongBatch => {
    const encoding = currentEncoding();
    if (batch.encoding.kind === encoding.kind) return batch;
    if (batch.encoding.kind !== 'rows') {
      throw new Error(
        `A batch encoded for the ${batch.encoding.kind} path cannot be written by the ${encoding.kind} path`,
      );
    }
    const again = new EncodedSongBatch(encoding, ids.nextBatch, capacityHint());
    for (const row of batch.rows) again.add(row);
    return again;
  };

  const writeEncoded = async (batch: EncodedSongBatch): Promise<BatchOutcome> => {
    const rows = batch.lines.length;
    const { copy, encoding } = batch;
    if (encoding.kind === 'direct' && copy !== null) {
      await connection.copyInto('songs', DIRECT_COLUMNS, copy.data);
      // Repeats are counted (as skipped) by finishBulkLoad.
      return { imported: rows, updated: 0, skipped: 0 };
    }
    if (encoding.kind === 'staging' && copy !== null) {
      await connection.copyInto(STAGING, STAGING_COLUMNS, copy.data);
      if (policy === 'fail') {
        const [conflict] = (await connection.query<ConflictingRow>(FIRST_CONFLICT)).rows;
        if (conflict) return { imported: 0, updated: 0, skipped: 0, conflict };
      }
      const { rowCount } = await connection.query(INSERT_OR_SKIP);
      return { imported: rowCount, updated: 0, skipped: rows - rowCount };
    }
    // `update`: repeats within the batch are folded first (see foldRepeats).
    const { folded, updated, skipped } = foldRepeats(batch.rows);
    const foldedIds = ids.nextBatch();
    const copyData = new CopyData();
    for (const row of folded) {
      copyData.ascii(String(row.line));
      copyData.song(row, foldedIds);
      copyData.ascii(String(row.firstStreams));
      copyData.ascii(row.firstReleasedOn);
      copyData.endRow();
    }
    await connection.copyInto(STAGING, `${STAGING_COLUMNS}, first_streams, first_released_on`, copyData.data);
    const [counts] = (
      await connection.query<{ imported: number; updated: number; unchanged: number }>(INSERT_OR_UPDATE)
    ).rows;
    return {
      imported: counts?.imported ?? 0,
      updated: updated + (counts?.updated ?? 0),
      skipped: skipped + (counts?.unchanged ?? 0),
    };
  };

  const writeBatch = async (batch: SongBatch): Promise<BatchOutcome> => {
    if (!(batch instanceof EncodedSongBatch)) throw new TypeError('Write batches made by newBatch()');
    if (batch.lines.length === 0) return { imported: 0, updated: 0, skipped: 0 };
    // Synchronously, before any await: a batch made after this one must get later ids.
    const ready = encoded(batch);
    settled ??= currentEncoding();
    if (ready.copy !== null) lastBatchBytes = ready.copy.size;
    if (ready.encoding.kind === 'direct') return writeEncoded(ready); // no staging table involved
    let outcome: BatchOutcome;
    try {
      outcome = await writeEncoded(ready);
    } catch (error) {
      // Best effort: inside a failed transaction this fails too, and the first error is the story.
      await connection.query(EMPTY_STAGING).catch(() => undefined);
      throw error;
    }
    await connection.query(EMPTY_STAGING);
    return outcome;
  };

  return {
    begin: async () => {
      await connection.query('BEGIN');
      inTransaction = true;
    },
    beginBulkLoad,
    finishBulkLoad,
    countBulkDuplicates,
    commit: async () => {
      // Never commit a table without its indexes.
      await finishBulkLoad();
      await connection.query('COMMIT');
      inTransaction = false;
    },
    rollback: async () => {
      // The dropped indexes come back with the rollback.
      dropped = null;
      direct = null;
      inTransaction = false;
      await connection.query('ROLLBACK');
    },
    newBatch,
    writeBatch,
    close: () => connection.close(),
  };
}
