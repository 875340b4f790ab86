/**
 * What the shadow load (shadow-load.ts) must rebuild on its shadow table, read from the catalog
 * while it holds `songs`' lock: the names, every index and trigger as a statement for the shadow,
 * and a description of the table to compare the swapped table with.
 */
import type { Session } from '../db/index.js';

/** The shadow table's name, in `songs`' schema. One at a time: its loader holds `songs`' lock. */
const SHADOW = 'songs_bulk_load';

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
export interface ShadowIndex extends IndexRow {
  temporaryName: string;
  /** The CREATE INDEX statement for the shadow. */
  build: string;
}

export interface Trigger {
  name: string;
  /** The CREATE TRIGGER statement for the shadow. */
  build: string;
  comment: string | null;
}

/** `definition` with its one `ON <table> ` made the shadow's, or null if it has not exactly one. */
function onShadow(definition: string, prefix: string, table: string, shadow: string): string | null {
  const on = ` ON ${table} `;
  const at = definition.indexOf(on);
  if (!definition.startsWith(prefix) || at < 0 || at !== definition.lastIndexOf(on)) return null;
  return `${definition.slice(0, at)} ON ${shadow} ${definition.slice(at + on.length)}`;
}

export interface ShadowPlan {
  /** `songs` and the shadow, schema-qualified and quoted; the schema alone (for index names). */
  table: string;
  shadow: string;
  schema: string;
  indexes: ShadowIndex[];
  triggers: Trigger[];
  /** `describeSongs()` before the load. */
  description: string;
}

/** `songs` as the catalog describes it (TABLE_DESCRIPTION). */
export async function describeSongs(session: Session): Promise<string> {
  const [row] = (await session.query<{ description: string }>(TABLE_DESCRIPTION)).rows;
  return row?.description ?? '';
}

/**
 * The plan for `songs` as it is now, or null when it has an index or trigger that cannot be
 * rebuilt on the shadow from its definition (an exclusion constraint, a definition of another form).
 */
export async function planShadow(session: Session): Promise<ShadowPlan | null> {
  const [names] = (await session.query<{ table: string; shadow: string; schema: string }>(TABLE_NAMES)).rows;
  if (!names) return null;
  const { table, shadow, schema } = names;
  const indexes: ShadowIndex[] = [];
  for (const [position, index] of (await session.query<IndexRow>(INDEXES)).rows.entries()) {
    // An index behind an exclusion constraint: not rebuilt here.
    if (index.constraintType !== null && index.constraintType !== 'p' && index.constraintType !== 'u')
      return null;
    const temporaryName = `${SHADOW}_${position}`;
    const create = `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX `;
    const build = onShadow(index.definition, `${create}${index.name} ON `, table, shadow);
    if (build === null) return null;
    indexes.push({
      ...index,
      temporaryName,
      build: build.replace(`${create}${index.name}`, `${create}${temporaryName}`),
    });
  }
  const triggers: Trigger[] = [];
  for (const trigger of (
    await session.query<{ name: string; definition: string; comment: string | null }>(TRIGGERS)
  ).rows) {
    const build = onShadow(trigger.definition, 'CREATE ', table, shadow);
    if (build === null) return null;
    triggers.push({ name: trigger.name, build, comment: trigger.comment });
  }
  return { table, shadow, schema, indexes, triggers, description: await describeSongs(session) };
}
