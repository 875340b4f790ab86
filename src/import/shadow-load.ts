/**
 * The empty-table bulk load on PostgreSQL, with its index builds in parallel (issue 13).
 *
 * Building the indexes is most of an initial load (docs/performance.md), and PostgreSQL 15 builds
 * a GIN index on one core, so the in-place path (bulk-load.ts) leaves a core idle for seconds. Only
 * committed rows can be indexed by other sessions, so this path loads into a shadow table instead:
 *
 * 1. The lock session takes `songs` in EXCLUSIVE mode for the whole run: writers wait, readers go
 *    on and see the table as it was (empty). Nothing of the run is visible until step 4 commits.
 * 2. The writer's session creates `songs_bulk_load` (`LIKE songs`: columns, defaults, CHECK
 *    constraints, comments; no index) and COPYs every batch into it, in its transaction.
 * 3. At the end it commits the shadow, and two sessions build every index of `songs` on it, from
 *    `songs`' own definitions, in parallel: the writer's starts with the unique (name, artist) key
 *    (removing the file's repeats if that fails, as the in-place path does), the other with the
 *    longest builds (GIN).
 * 4. The lock session swaps the shadow in, in one transaction: `songs`' triggers recreated on the
 *    shadow, `DROP TABLE songs`, the shadow renamed, its indexes given their names and constraints.
 *    It then compares the swapped table with the original (columns, constraints, indexes,
 *    triggers, comments, privileges, options: shadow-plan.ts); if anything differs, or the
 *    swap fails (an object depending on `songs`, say), the swap is undone and the rows are copied
 *    into the original table instead: slower (its indexes are kept up to date row by row), but the
 *    table stays exactly the migration's.
 *
 * A run that fails or is rolled back drops the shadow; one that was killed leaves it behind, and
 * the next bulk load drops it (under the lock, so never a running load's).
 */
import type { Session } from '../db/index.js';
import type { BulkLoad } from './bulk-load.js';
import {
  countRepeatsSql,
  deleteRepeatsSql,
  literal,
  NAME_ARTIST_KEY,
  REBUILD_MEMORY,
  restoreIndexComment,
  SONG_COLUMNS,
  SONGS_NOT_EMPTY,
  UNIQUE_VIOLATION,
} from './bulk-sql.js';
import { describeSongs, planShadow, type ShadowIndex, type ShadowPlan } from './shadow-plan.js';

/**
 * Index-building sessions, the writer's included: the migration has two GIN indexes, each built
 * on one core (B-trees use PostgreSQL's own parallel workers). More would only compete for cores.
 */
const BUILD_SESSIONS = 2;

/**
 * Starts a shadow load if `songs` is empty and can be locked at once: `loader` (the writer's
 * session, in an open transaction) creates the shadow; a session of `openSession` holds the lock.
 * Null, with nothing changed, when `songs` has rows or cannot be locked at once; 'in-place', with
 * nothing changed, when `songs` has an index or trigger this path cannot rebuild (bulk-load.ts's
 * in-place path can).
 */
export async function startShadowLoad(
  loader: Session,
  openSession: () => Promise<Session>,
): Promise<BulkLoad | 'in-place' | null> {
  const lock = await openSession();
  let started = false;
  try {
    await lock.query('BEGIN');
    // Never queue behind a long transaction of someone else's (and make everyone queue behind us).
    await lock.query(`SET LOCAL lock_timeout = '2s'`);
    // EXCLUSIVE: no writer until the swap commits; readers go on, and see the table empty.
    try {
      await lock.query('LOCK TABLE songs IN EXCLUSIVE MODE');
    } catch {
      return null;
    }
    const [state] = (await lock.query<{ notEmpty: boolean }>(SONGS_NOT_EMPTY)).rows;
    if (state?.notEmpty !== false) return null;
    await lock.query('SET LOCAL lock_timeout TO DEFAULT');
    // The lock session waits, idle in its transaction, for the whole load: a server-wide limit on
    // idle transactions must not end it.
    await lock.query('SET LOCAL idle_in_transaction_session_timeout = 0');

    const plan = await planShadow(lock);
    if (plan === null) return 'in-place';
    const { table, shadow } = plan;
    // What now() gives the INSERT path (a transaction's start), so both paths write the same.
    const [clock] = (await lock.query<{ now: string }>('SELECT now()::text AS now')).rows;

    // A savepoint, so that giving up leaves the loader's transaction as it was.
    await loader.query('SAVEPOINT shadow_start');
    try {
      // A shadow left by a killed run; under the lock, so no running load's.
      await loader.query(`DROP TABLE IF EXISTS ${shadow}`);
      // Autovacuum off until the swap: it would take the shadow's lock while its indexes are built.
      await loader.query(
        `CREATE TABLE ${shadow} (LIKE ${table} INCLUDING ALL EXCLUDING INDEXES) WITH (autovacuum_enabled = false)`,
      );
      await loader.query('RELEASE SAVEPOINT shadow_start');
    } catch {
      await loader.query('ROLLBACK TO SAVEPOINT shadow_start');
      await loader.query('RELEASE SAVEPOINT shadow_start');
      return 'in-place';
    }
    started = true;
    return shadowLoad({ loader, lock, openSession, plan, directStamps: `${clock?.now}\t${clock?.now}` });
  } catch {
    // The in-place path works whatever happened here.
    return 'in-place';
  } finally {
    if (!started) await lock.close();
  }
}

function shadowLoad(load: {
  loader: Session;
  lock: Session;
  openSession: () => Promise<Session>;
  plan: ShadowPlan;
  directStamps: string;
}): BulkLoad {
  const { loader, lock, plan } = load;
  const { table, shadow, schema, indexes, triggers } = plan;
  /** The shadow was committed: a rollback must drop it. */
  let committed = false;

  /**
   * Builds the unique (name, artist) key; if the file repeated a pair, deletes the repeats (every
   * row but the first of each pair) and builds it again. Returns how many rows it deleted.
   */
  const buildKey = async (key: ShadowIndex): Promise<number> => {
    try {
      await loader.query(key.build);
      return 0;
    } catch (error) {
      if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
    }
    const { rowCount } = await loader.query(deleteRepeatsSql(shadow));
    await loader.query(key.build);
    return rowCount;
  };

  /**
   * Builds every index, BUILD_SESSIONS at a time: the loader starts with the unique key, the others
   * with the longest builds (GIN), then each takes the next index left. An index built before the
   * key's repeats are deleted keeps entries for the deleted rows, as after any DELETE: VACUUM's work.
   * Returns the repeats deleted.
   */
  const buildIndexes = async (): Promise<number> => {
    const key = indexes.find((index) => index.unique && NAME_ARTIST_KEY.test(index.definition));
    const queue = indexes
      .filter((index) => index !== key)
      .sort((a, b) => Number(b.build.includes(' USING gin ')) - Number(a.build.includes(' USING gin ')));
    let repeats = 0;
    const helpers: Session[] = [];
    try {
      for (let n = 1; n < BUILD_SESSIONS; n += 1) {
        const helper = await load.openSession();
        helpers.push(helper);
        await helper.query(`SET maintenance_work_mem = '${REBUILD_MEMORY.postgres}'`);
      }
      const work = async (session: Session) => {
        if (session === loader && key) repeats = await buildKey(key);
        for (let next = queue.shift(); next; next = queue.shift()) await session.query(next.build);
      };
      // Every build ends (or fails) before the shadow may be dropped.
      const results = await Promise.allSettled([loader, ...helpers].map(work));
      const failed = results.find((result) => result.status === 'rejected');
      if (failed) throw (failed as PromiseRejectedResult).reason;
      return repeats;
    } finally {
      await Promise.all(helpers.map((helper) => helper.close()));
    }
  };

  /** In the lock session's transaction: the shadow becomes `songs`. Throws if it cannot. */
  const swap = async (): Promise<void> => {
    await lock.query('LOCK TABLE songs IN ACCESS EXCLUSIVE MODE');
    for (const trigger of triggers) {
      await lock.query(trigger.build);
      if (trigger.comment !== null)
        await lock.query(`COMMENT ON TRIGGER ${trigger.name} ON ${shadow} IS ${literal(trigger.comment)}`);
    }
    await lock.query(`DROP TABLE ${table}`);
    await lock.query(`ALTER TABLE ${shadow} RENAME TO songs`);
    await lock.query(`ALTER TABLE ${table} RESET (autovacuum_enabled)`);
    for (const index of indexes) {
      await lock.query(`ALTER INDEX ${schema}.${index.temporaryName} RENAME TO ${index.name}`);
      if (index.constraintType !== null) {
        const kind = index.constraintType === 'p' ? 'PRIMARY KEY' : 'UNIQUE';
        await lock.query(
          `ALTER TABLE ${table} ADD CONSTRAINT ${index.name} ${kind} USING INDEX ${index.name}`,
        );
        if (index.constraintComment !== null)
          await lock.query(
            `COMMENT ON CONSTRAINT ${index.name} ON ${table} IS ${literal(index.constraintComment)}`,
          );
      }
      await restoreIndexComment(lock, { qualifiedName: `${schema}.${index.name}`, comment: index.comment });
    }
    if ((await describeSongs(lock)) !== plan.description)
      throw new Error('the swapped table differs from songs');
  };

  return {
    target: shadow,
    directStamps: load.directStamps,
    countRepeats: async () =>
      (await loader.query<{ repeats: number }>(countRepeatsSql(shadow))).rows[0]?.repeats ?? 0,
    finish: async () => {
      await loader.query('COMMIT');
      committed = true;
      await loader.query(`SET maintenance_work_mem = '${REBUILD_MEMORY.postgres}'`);
      const repeats = await buildIndexes();
      await lock.query('SAVEPOINT shadow_swap');
      try {
        await swap();
        await lock.query('RELEASE SAVEPOINT shadow_swap');
      } catch {
        // `songs` keeps its own definition; the rows go into it (its indexes kept up to date as they go).
        await lock.query('ROLLBACK TO SAVEPOINT shadow_swap');
        await lock.query(`INSERT INTO ${table} (${SONG_COLUMNS}) SELECT ${SONG_COLUMNS} FROM ${shadow}`);
        await lock.query(`DROP TABLE ${shadow}`);
      }
      return repeats;
    },
    commit: async () => {
      try {
        await lock.query('COMMIT');
      } catch (error) {
        // The swap did not happen: the committed shadow must not stay behind.
        await loader.query(`DROP TABLE IF EXISTS ${shadow}`).catch(() => undefined);
        throw error;
      } finally {
        await lock.close();
      }
    },
    rollback: async () => {
      try {
        if (committed) {
          await lock.query('ROLLBACK');
          await loader.query(`DROP TABLE IF EXISTS ${shadow}`);
        } else {
          // The shadow was created in the loader's transaction: rolling it back removes it.
          await loader.query('ROLLBACK');
          await lock.query('ROLLBACK');
        }
      } finally {
        await lock.close();
      }
    },
  };
}
