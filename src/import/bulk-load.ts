/**
 * The empty-table bulk load. Keeping the secondary indexes (B-trees and two trigram GINs) up to
 * date row by row is most of the cost of a large import; building them once afterwards is far
 * cheaper (docs/performance.md). So, as pg_restore does, an import into an EMPTY table drops
 * those indexes, loads every batch, and rebuilds them, all in the import's one transaction (on
 * PostgreSQL with `skip`, shadow-load.ts does it through a shadow table instead, so that the
 * indexes can be built in parallel sessions; this in-place path is for the other cases):
 *
 * - The definitions are read from the catalog (pg_get_indexdef, what pg_indexes shows) and
 *   replayed verbatim, so the rebuilt indexes are the migration's, name and comment included.
 * - Unique indexes and indexes behind constraints stay: ON CONFLICT (name, artist) needs the
 *   unique one, and they keep the table's guarantees during the load.
 * - DDL is transactional: a rollback (failure, --strict, fail, dry run, a killed process)
 *   restores the indexes as they were, and nothing of the run stays.
 * - ACCESS EXCLUSIVE lock for the whole run: concurrent readers and writers of `songs` wait until
 *   the import commits. Acceptable for an initial load; a table with rows takes the incremental
 *   path, which never blocks readers.
 *
 * DIRECT. With `skip` (the default), the unique (name, artist) index is dropped too and batches
 * are COPYed straight into `songs`: no staging table, no INSERT … SELECT, no per-row conflict
 * check. A repeated (name, artist) can then only come from the file itself and is found at the
 * end: building the unique index fails on a repeat, and then every row but the first of each key
 * (the smallest id: ids grow in file order) is deleted before building it again. The counts are
 * the same as row by row.
 */
import type { Session } from '../db/index.js';
import {
  countRepeatsSql,
  deleteRepeatsSql,
  NAME_ARTIST_KEY,
  REBUILD_MEMORY,
  restoreIndexComment,
  SONGS_NOT_EMPTY,
  UNIQUE_VIOLATION,
} from './bulk-sql.js';
import { startShadowLoad } from './shadow-load.js';

const SAVEPOINT = 'song_bulk_load';

const INDEX_COLUMNS = `format('%I.%I', n.nspname, c.relname) AS "qualifiedName",
         pg_get_indexdef(i.indexrelid) AS definition,
         obj_description(i.indexrelid, 'pg_class') AS comment`;

/** The secondary indexes of `songs`: not unique, not behind a constraint. */
const SECONDARY_INDEXES = `
  SELECT ${INDEX_COLUMNS}
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE i.indrelid = 'songs'::regclass
    AND NOT i.indisunique AND NOT i.indisprimary AND NOT i.indisexclusion
    AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
  ORDER BY c.relname`;

const UNIQUE_INDEXES = `
  SELECT ${INDEX_COLUMNS},
         EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid) AS "backsConstraint"
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE i.indrelid = 'songs'::regclass AND i.indisunique AND NOT i.indisprimary`;

interface IndexDefinition {
  qualifiedName: string;
  definition: string;
  comment: string | null;
}

/** A bulk load in progress, begun in the session's open transaction; it ends it (commit or rollback). */
export interface BulkLoad {
  /** The table DIRECT batches are COPYed into: `songs`, or shadow-load.ts's shadow table. */
  readonly target: string;
  /** DIRECT: batches go straight into `target`, stamped with these created_at/updated_at (COPY text). */
  readonly directStamps: string | null;
  /** Recreates the dropped indexes; returns how many rows it removed as repeats (DIRECT). */
  finish(): Promise<number>;
  /** For a dry run, which rolls back without rebuilding: what `finish` would remove. */
  countRepeats(): Promise<number>;
  /** Makes the load visible (after `finish`). */
  commit(): Promise<void>;
  /** Undoes the load: `songs` and its indexes are as they were. */
  rollback(): Promise<void>;
}

/** The unique (name, artist) index, if it alone guards the table's keys and may be dropped (DIRECT). */
async function droppableUniqueKey(session: Session): Promise<IndexDefinition | null> {
  const unique = (await session.query<IndexDefinition & { backsConstraint: boolean }>(UNIQUE_INDEXES)).rows;
  const [key] = unique;
  return unique.length === 1 && key && !key.backsConstraint && NAME_ARTIST_KEY.test(key.definition)
    ? key
    : null;
}

/**
 * Starts a bulk load in the session's open transaction if `songs` is empty. On PostgreSQL with
 * `direct`, into a shadow table whose indexes are built in parallel (shadow-load.ts); else in
 * place: locks the table and drops its secondary indexes (and, for `direct`, the unique key).
 * Null, with nothing changed, when the table has rows or cannot be locked at once.
 */
export async function startBulkLoad(
  session: Session,
  options: { kind: keyof typeof REBUILD_MEMORY; direct: boolean; openSession: () => Promise<Session> },
): Promise<BulkLoad | null> {
  if (options.kind === 'postgres' && options.direct) {
    const shadow = await startShadowLoad(session, options.openSession);
    if (shadow !== 'in-place') return shadow;
  }
  const notEmpty = async () =>
    (await session.query<{ notEmpty: boolean }>(SONGS_NOT_EMPTY)).rows[0]?.notEmpty ?? true;
  // Cheap look first, without a lock: most runs into a table with rows stop here.
  if (await notEmpty()) return null;
  // A savepoint, so that giving up releases the lock (and the lock_timeout) with it.
  await session.query(`SAVEPOINT ${SAVEPOINT}`);
  let dropped: IndexDefinition[];
  let uniqueKey: IndexDefinition | null = null;
  let directStamps: string | null = null;
  try {
    // Never queue behind a long transaction of someone else's (and make everyone queue behind us).
    await session.query(`SET LOCAL lock_timeout = '2s'`);
    await session.query('LOCK TABLE songs IN ACCESS EXCLUSIVE MODE');
    // Rows may have come in between the look and the lock.
    if (await notEmpty()) throw new Error('songs is no longer empty');
    await session.query('SET LOCAL lock_timeout TO DEFAULT');
    dropped = (await session.query<IndexDefinition>(SECONDARY_INDEXES)).rows;
    for (const index of dropped) await session.query(`DROP INDEX ${index.qualifiedName}`);
    uniqueKey = options.direct ? await droppableUniqueKey(session) : null;
    if (uniqueKey !== null) {
      await session.query(`DROP INDEX ${uniqueKey.qualifiedName}`);
      // What now() gives the INSERT path (the transaction's start), so both paths write the same.
      const [clock] = (await session.query<{ now: string }>('SELECT now()::text AS now')).rows;
      directStamps = `${clock?.now}\t${clock?.now}`;
    }
    await session.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
  } catch {
    // The incremental path works whatever happened here; undo this attempt and take it.
    await session.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
    await session.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    return null;
  }

  return {
    target: 'songs',
    directStamps,
    commit: async () => {
      await session.query('COMMIT');
    },
    // The dropped indexes come back with the rollback.
    rollback: async () => {
      await session.query('ROLLBACK');
    },
    countRepeats: async () =>
      uniqueKey === null
        ? 0
        : ((await session.query<{ repeats: number }>(countRepeatsSql('songs'))).rows[0]?.repeats ?? 0),
    finish: async () => {
      await session.query(`SET LOCAL maintenance_work_mem = '${REBUILD_MEMORY[options.kind]}'`);
      const repeats = uniqueKey === null ? 0 : await restoreUniqueKey(session, uniqueKey);
      for (const index of dropped) {
        await session.query(index.definition);
        await restoreIndexComment(session, index);
      }
      return repeats;
    },
  };
}

/** Rebuilds the unique key, deleting repeats first if the file had any; returns how many. */
async function restoreUniqueKey(session: Session, key: IndexDefinition): Promise<number> {
  // Optimistic: a file without repeats (the usual initial load) needs no deduplication pass.
  await session.query(`SAVEPOINT ${SAVEPOINT}`);
  let repeats = 0;
  try {
    await session.query(key.definition);
    await session.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
  } catch (error) {
    if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
    await session.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
    await session.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    repeats = (await session.query(deleteRepeatsSql('songs'))).rowCount;
    await session.query(key.definition);
  }
  await restoreIndexComment(session, key);
  return repeats;
}
