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
 *    triggers, comments, privileges, options: `TABLE_DESCRIPTION`); if anything differs, or the
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
  SONG_COLUMNS,
  SONGS_NOT_EMPTY,
  UNIQUE_VIOLATION,
} from './bulk-sql.js';

/** The shadow table's name, in `songs`' schema. One at a time: its loader holds `songs`' lock. */
const SHADOW = 'songs_bulk_load';

/**
 * Index-building sessions, the writer's included: the migration has two GIN indexes, each built
 * on one core (B-trees use PostgreSQL's own parallel workers). More would only compete for cores.
 */
const BUILD_SESSIONS = 2;

/** What `songs` is, as the catalog says: compared before and after the swap. */
const TABLE_DESCRIPTION = `
  SELECT json_build_object(
    'table', (
      SELECT json_build_object(
        'kind', relkind, 'persistence', relpersistence, 'owner', relowner::regrole::text,
        'privileges', relacl::text, 'options', reloptions, 'replicaIdentity', relreplident,
        'rowSecurity', relrowsecurity, 'forceRowSecurity', relforcerowsecurity,
        'tablespace', reltablespace, 'comment', obj_description(oid, 'pg_class'))
      FROM pg_class WHERE oid = 'songs'::regclass),
    'columns', (
      SELECT json_agg(json_build_object(
        'name', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'notNull', a.attnotnull,
        'default', pg_get_expr(d.adbin, d.adrelid), 'identity', a.attidentity,
        'generated', a.attgenerated, 'collation', a.attcollation, 'statistics', a.attstattarget,
        'storage', a.attstorage, 'compression', a.attcompression,
        'comment', col_description(a.attrelid, a.attnum)) ORDER BY a.attnum)
      FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = 'songs'::regclass AND a.attnum > 0 AND NOT a.attisdropped),
    'constraints', (
      SELECT json_agg(json_build_object(
        'name', conname, 'definition', pg_get_constraintdef(oid),
        'comment', obj_description(oid, 'pg_constraint')) ORDER BY conname)
      FROM pg_constraint WHERE conrelid = 'songs'::regclass),
    'indexes', (
      SELECT json_agg(json_build_object(
        'definition', pg_get_indexdef(indexrelid),
        'comment', obj_description(indexrelid, 'pg_class')) ORDER BY indexrelid::regclass::text)
      FROM pg_index WHERE indrelid = 'songs'::regclass),
    'triggers', (
      SELECT json_agg(json_build_object(
        'definition', pg_get_triggerdef(oid), 'enabled', tgenabled,
        'comment', obj_description(oid, 'pg_trigger')) ORDER BY tgname)
      FROM pg_trigger WHERE tgrelid = 'songs'::regclass AND NOT tgisinternal),
    'policies', (SELECT count(*) FROM pg_policy WHERE polrelid = 'songs'::regclass),
    'rules', (SELECT count(*) FROM pg_rewrite WHERE ev_class = 'songs'::regclass),
    'publications', (SELECT count(*) FROM pg_publication_rel WHERE prrelid = 'songs'::regclass),
    'statistics', (SELECT count(*) FROM pg_statistic_ext WHERE stxrelid = 'songs'::regclass),
    'inheritance', (
      SELECT count(*) FROM pg_inherits
      WHERE inhrelid = 'songs'::regclass OR inhparent = 'songs'::regclass),
    'referencedBy', (SELECT count(*) FROM pg_constraint WHERE confrelid = 'songs'::regclass)
  )::text AS description`;

const TABLE_NAMES = `
  SELECT format('%I.%I', n.nspname, c.relname) AS "table",
         format('%I.%I', n.nspname, '${SHADOW}') AS shadow,
         format('%I', n.nspname) AS schema
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.oid = 'songs'::regclass`;

const INDEXES = `
  SELECT format('%I', c.relname) AS name,
         pg_get_indexdef(i.indexrelid) AS definition,
         i.indisunique AS "unique",
         obj_description(i.indexrelid, 'pg_class') AS comment,
         k.contype AS "constraintType",
         obj_description(k.oid, 'pg_constraint') AS "constraintComment"
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indexrelid
  LEFT JOIN pg_constraint k ON k.conindid = i.indexrelid AND k.conrelid = i.indrelid
  WHERE i.indrelid = 'songs'::regclass
  ORDER BY c.relname`;

const TRIGGERS = `
  SELECT pg_get_triggerdef(oid) AS definition, format('%I', tgname) AS name,
         obj_description(oid, 'pg_trigger') AS comment
  FROM pg_trigger WHERE tgrelid = 'songs'::regclass AND NOT tgisinternal ORDER BY tgname`;

interface IndexRow {
  name: string;
  definition: string;
  unique: boolean;
  comment: string | null;
  constraintType: string | null;
  constraintComment: string | null;
}

/** One index of `songs`, to be built on the shadow under a temporary name, then renamed. */
interface ShadowIndex extends IndexRow {
  temporaryName: string;
  /** The CREATE INDEX statement for the shadow. */
  build: string;
}

interface Trigger {
  name: string;
  /** The CREATE TRIGGER statement for the shadow. */
  build: string;
  comment: string | null;
}

/** `definition` with its `ON <table> ` replaced by the shadow's, or null if it is not there exactly once. */
function onShadow(definition: string, prefix: string, table: string, shadow: string): string | null {
  const on = ` ON ${table} `;
  if (!definition.startsWith(prefix) || definition.indexOf(on) !== definition.lastIndexOf(on)) return null;
  const at = definition.indexOf(on);
  return at < 0 ? null : `${definition.slice(0, at)} ON ${shadow} ${definition.slice(at + on.length)}`;
}

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

    const [names] = (await lock.query<{ table: string; shadow: string; schema: string }>(TABLE_NAMES)).rows;
    if (!names) return 'in-place';
    const { table, shadow, schema } = names;
    const indexes: ShadowIndex[] = [];
    for (const [position, index] of (await lock.query<IndexRow>(INDEXES)).rows.entries()) {
      // An index behind an exclusion constraint: not rebuilt here.
      if (index.constraintType !== null && index.constraintType !== 'p' && index.constraintType !== 'u')
        return 'in-place';
      const temporaryName = `${SHADOW}_${position}`;
      const create = `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX `;
      const build = onShadow(index.definition, `${create}${index.name} ON `, table, shadow);
      if (build === null) return 'in-place';
      indexes.push({
        ...index,
        temporaryName,
        build: build.replace(`${create}${index.name}`, `${create}${temporaryName}`),
      });
    }
    const triggers: Trigger[] = [];
    for (const trigger of (
      await lock.query<{ name: string; definition: string; comment: string | null }>(TRIGGERS)
    ).rows) {
      const build = onShadow(trigger.definition, 'CREATE ', table, shadow);
      if (build === null) return 'in-place';
      triggers.push({ name: trigger.name, build, comment: trigger.comment });
    }
    const [before] = (await lock.query<{ description: string }>(TABLE_DESCRIPTION)).rows;
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
    return shadowLoad({
      loader,
      lock,
      openSession,
      names: { table, shadow, schema },
      indexes,
      triggers,
      description: before?.description ?? '',
      directStamps: `${clock?.now}\t${clock?.now}`,
    });
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
  names: { table: string; shadow: string; schema: string };
  indexes: ShadowIndex[];
  triggers: Trigger[];
  description: string;
  directStamps: string;
}): BulkLoad {
  const { loader, lock, names, indexes, triggers } = load;
  const { table, shadow, schema } = names;
  /** The shadow was committed: a rollback must drop it. */
  let committed = false;

  const repeatsIn = async (session: Session) =>
    (await session.query<{ repeats: number }>(countRepeatsSql(shadow))).rows[0]?.repeats ?? 0;

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
      if (index.comment !== null)
        await lock.query(`COMMENT ON INDEX ${schema}.${index.name} IS ${literal(index.comment)}`);
    }
    const [after] = (await lock.query<{ description: string }>(TABLE_DESCRIPTION)).rows;
    if (after?.description !== load.description) throw new Error('the swapped table differs from songs');
  };

  return {
    target: shadow,
    directStamps: load.directStamps,
    countRepeats: () => repeatsIn(loader),
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
