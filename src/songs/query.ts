/**
 * The one builder of song reads: the filters, orderings and keyset bounds of song.list,
 * song.infinite and the REST list, as SQL, so that a page and its `total`, and an infinite walk and
 * a list, always agree. Reads are single SQL statements through `$queryRaw` (one statement is one
 * snapshot, and it skips Prisma's query building on the hottest path: docs/performance.md); writes
 * go through Prisma's model API in router.ts. Every value is a bound parameter; the only text put
 * into the SQL is written here (column names come from the closed list of sort fields).
 */
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import { type SongFilter, type SortField, type SortKey, toIsoDate } from './schemas.js';

/** The columns that leave the server: every write selects exactly these. */
export const songSelect = {
  id: true,
  name: true,
  artist: true,
  streams: true,
  releasedOn: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Prisma.SongSelect;

/** A song as the database returns it (a SQL `date` is a `Date` at 00:00 UTC). */
export type SongRow = Prisma.SongGetPayload<{ select: typeof songSelect }>;

/** `songSelect` in SQL: the same columns under the same names (tests/songs prove they agree). */
const SONG_COLUMNS = Prisma.raw(
  'id, name, artist, streams, released_on AS "releasedOn", created_at AS "createdAt", updated_at AS "updatedAt"',
);

/** The SQL column behind a sort field: its name in snake_case. */
function sortColumn(field: SortField): Prisma.Sql {
  if (field === 'releasedOn') return Prisma.raw('released_on');
  if (field === 'createdAt') return Prisma.raw('created_at');
  return Prisma.raw(field);
}

/**
 * A value compared with a sort field's column, cast to the column's type: a `Date` is sent as text
 * in a form that does not depend on the session's time zone.
 */
function columnValue(field: SortField, value: SortValue): Prisma.Sql {
  if (field === 'releasedOn') return Prisma.sql`${toIsoDate(value as Date)}::date`;
  if (field === 'createdAt') return Prisma.sql`${(value as Date).toISOString()}::timestamptz`;
  if (field === 'streams') return Prisma.sql`${value}::float8`;
  return Prisma.sql`${value}::text`;
}

/** `<field's column> <operator> <value>`, the value cast to the column's type. */
function compare(field: SortField, operator: '=' | '<' | '>' | '<=' | '>=', value: SortValue): Prisma.Sql {
  return Prisma.sql`${sortColumn(field)} ${Prisma.raw(operator)} ${columnValue(field, value)}`;
}

/**
 * A `*Contains` filter is `ILIKE '%<text>%'`. The contract makes `%` and `_` in the text literal, so
 * escape them (and the escape character itself; `\` is PostgreSQL's default LIKE escape).
 */
export function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** The conditions of a filter, all of which must hold (an empty list matches every song). */
export function songWhere(filter: SongFilter): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (filter.name !== undefined) where.push(Prisma.sql`name = ${filter.name}`);
  if (filter.artist !== undefined) where.push(Prisma.sql`artist = ${filter.artist}`);
  if (filter.nameContains)
    where.push(Prisma.sql`name ILIKE ${`%${escapeLikePattern(filter.nameContains)}%`}`);
  if (filter.artistContains) {
    where.push(Prisma.sql`artist ILIKE ${`%${escapeLikePattern(filter.artistContains)}%`}`);
  }
  if (filter.streamsGte !== undefined) where.push(compare('streams', '>=', filter.streamsGte));
  if (filter.streamsLte !== undefined) where.push(compare('streams', '<=', filter.streamsLte));
  if (filter.releasedOnGte !== undefined) where.push(compare('releasedOn', '>=', filter.releasedOnGte));
  if (filter.releasedOnLte !== undefined) where.push(compare('releasedOn', '<=', filter.releasedOnLte));
  return where;
}

/**
 * REST only (fastapi-filter's `name__ilike`, `artist__ilike`; see src/rest/): caller-written ILIKE
 * patterns, whose `%` and `_` ARE wildcards, unlike the tRPC filter's `*Contains`; the trigram
 * indexes serve them as they serve `*Contains`. Not offered to tRPC: its filter stays the contract's.
 */
export interface IlikePatterns {
  nameIlike?: string | undefined;
  artistIlike?: string | undefined;
}

export function songIlikeWhere({ nameIlike, artistIlike }: IlikePatterns): Prisma.Sql[] {
  const where: Prisma.Sql[] = [];
  if (nameIlike !== undefined) where.push(Prisma.sql`name ILIKE ${nameIlike}`);
  if (artistIlike !== undefined) where.push(Prisma.sql`artist ILIKE ${artistIlike}`);
  return where;
}

export interface SortTerm {
  field: SortField;
  descending: boolean;
}

export function parseOrderBy(keys: readonly SortKey[]): SortTerm[] {
  return keys.map((key) =>
    key.startsWith('-')
      ? { field: key.slice(1) as SortField, descending: true }
      : { field: key as SortField, descending: false },
  );
}

/**
 * The ORDER BY of a listing: the requested keys, then `id` so that the order is total. In the
 * names the select gives the columns (`"releasedOn"`), so that it also orders an outer query.
 */
function songOrderBy(terms: readonly SortTerm[]): Prisma.Sql {
  // Stryker disable next-line StringLiteral: equivalent, ASC is the default direction in SQL
  const keys = terms.map(({ field, descending }) => `"${field}" ${descending ? 'DESC' : 'ASC'}`);
  return Prisma.raw([...keys, 'id ASC'].join(', '));
}

/** `WHERE` for a list of conditions that must all hold. */
const whereAll = (conditions: readonly Prisma.Sql[]) =>
  conditions.length === 0 ? Prisma.empty : Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}`;

export type SortValue = string | number | Date;

/** Where a page ended: the last row's sort values (in `terms` order) and its id. */
export interface KeysetPosition {
  values: SortValue[];
  id: string;
}

/**
 * Rows strictly after `position` in the order `songOrderBy(terms)`:
 *   (k1 > v1) OR (k1 = v1 AND k2 > v2) OR … OR (k1 = v1 AND … AND id > last.id)
 * with `>` flipped to `<` for descending keys.
 *
 * Prisma's own `cursor:` option re-finds the cursor row and is as slow as OFFSET at depth; this
 * OR-form alone also plans poorly, so it carries the redundant bound `k1 >= v1` (or `<=`) that
 * lets PostgreSQL start an index range scan on the leading key: the cost of a page then does not
 * grow with its depth (see bench/).
 */
export function keysetWhere(terms: readonly SortTerm[], position: KeysetPosition): Prisma.Sql {
  const equalities: Prisma.Sql[] = [];
  const branches: Prisma.Sql[] = [];
  terms.forEach(({ field, descending }, index) => {
    const value = position.values[index] as SortValue;
    branches.push(Prisma.join([...equalities, compare(field, descending ? '<' : '>', value)], ' AND '));
    equalities.push(compare(field, '=', value));
  });
  branches.push(Prisma.join([...equalities, Prisma.sql`id > ${position.id}::uuid`], ' AND '));

  const leading = terms[0] as SortTerm; // orderBy names at least one key (schemas.ts)
  const leadingBound = compare(
    leading.field,
    leading.descending ? '<=' : '>=',
    position.values[0] as SortValue,
  );
  return Prisma.sql`${leadingBound} AND ((${Prisma.join(branches, ') OR (')}))`;
}

/** One song by id, if there is one. */
export async function readSong(prisma: PrismaClient, id: string): Promise<SongRow | undefined> {
  const [song] = await prisma.$queryRaw<SongRow[]>`SELECT ${SONG_COLUMNS} FROM songs WHERE id = ${id}::uuid`;
  return song;
}

/**
 * One page of a limit/offset listing and the count of every row `where` matches, in one statement
 * (so one snapshot: they never disagree under concurrent writes). The count always yields one row;
 * the page joins it, so a page past the end is that one row with no song in it.
 */
export async function readOffsetPage(
  prisma: PrismaClient,
  page: { where: readonly Prisma.Sql[]; terms: readonly SortTerm[]; limit: number; offset: number },
) {
  const where = whereAll(page.where);
  const orderBy = songOrderBy(page.terms);
  const rows = await prisma.$queryRaw<(SongRow & { total: number })[]>`
    SELECT counted.total, page.*
    FROM (SELECT count(*)::int AS total FROM songs ${where}) AS counted
    LEFT JOIN LATERAL (
      SELECT ${SONG_COLUMNS} FROM songs ${where} ORDER BY ${orderBy} LIMIT ${page.limit} OFFSET ${page.offset}
    ) AS page ON true
    ORDER BY ${orderBy}`;
  const items: SongRow[] = [];
  for (const { total: _total, ...song } of rows) if (song.id !== null) items.push(song);
  const { total } = rows[0] as { total: number }; // the count's row is always there
  return { items, total, limit: page.limit, offset: page.offset };
}

/** Up to `limit` songs of a keyset walk: those `where` matches, after `position` when given. */
export async function readKeysetPage(
  prisma: PrismaClient,
  page: {
    where: readonly Prisma.Sql[];
    terms: readonly SortTerm[];
    position: KeysetPosition | null;
    limit: number;
  },
): Promise<SongRow[]> {
  const where = page.position ? [...page.where, keysetWhere(page.terms, page.position)] : page.where;
  return prisma.$queryRaw<SongRow[]>`
    SELECT ${SONG_COLUMNS} FROM songs ${whereAll(where)}
    ORDER BY ${songOrderBy(page.terms)} LIMIT ${page.limit}`;
}
