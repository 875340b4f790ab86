/**
 * The one builder of song filters and orderings, shared by song.list and song.infinite so that
 * a page and its `total`, and an infinite walk and a list, always agree.
 */
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { SongFilter, SortField, SortKey } from './schemas.js';

/** The columns that leave the server: every procedure selects exactly these. */
export const songSelect = {
  id: true,
  name: true,
  artist: true,
  streams: true,
  releasedOn: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Prisma.SongSelect;

/**
 * `contains` becomes `ILIKE '%' || $1 || '%'`, and Prisma 7 does not escape the pattern's own
 * wildcards: `contains: "%"` would match every row. The contract makes `%` and `_` literal, so
 * escape them (and the escape character itself; `\` is PostgreSQL's default LIKE escape).
 */
export function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

export function songWhere(filter: SongFilter): Prisma.SongWhereInput {
  const where: Prisma.SongWhereInput[] = [];
  // Stryker disable next-line ConditionalExpression: equivalent, Prisma reads a field set to undefined as no condition
  if (filter.name !== undefined) where.push({ name: filter.name });
  // Stryker disable next-line ConditionalExpression: equivalent, Prisma reads a field set to undefined as no condition
  if (filter.artist !== undefined) where.push({ artist: filter.artist });
  if (filter.nameContains) {
    where.push({
      name: { contains: escapeLikePattern(filter.nameContains), mode: 'insensitive' },
    });
  }
  if (filter.artistContains) {
    where.push({
      artist: { contains: escapeLikePattern(filter.artistContains), mode: 'insensitive' },
    });
  }
  // Stryker disable next-line ConditionalExpression: equivalent, Prisma reads a field set to undefined as no condition
  if (filter.streamsGte !== undefined) where.push({ streams: { gte: filter.streamsGte } });
  // Stryker disable next-line ConditionalExpression: equivalent, Prisma reads a field set to undefined as no condition
  if (filter.streamsLte !== undefined) where.push({ streams: { lte: filter.streamsLte } });
  // Stryker disable next-line ConditionalExpression: equivalent, Prisma reads a field set to undefined as no condition
  if (filter.releasedOnGte !== undefined) {
    where.push({ releasedOn: { gte: filter.releasedOnGte } });
  }
  // Stryker disable next-line ConditionalExpression: equivalent, Prisma reads a field set to undefined as no condition
  if (filter.releasedOnLte !== undefined) {
    where.push({ releasedOn: { lte: filter.releasedOnLte } });
  }
  return { AND: where };
}

/**
 * REST only (fastapi-filter's `name__ilike`, `artist__ilike`; see src/rest/): caller-written ILIKE
 * patterns, whose `%` and `_` ARE wildcards, unlike the tRPC filter's `*Contains`. On PostgreSQL
 * Prisma compiles `equals` with `mode: 'insensitive'` to `column ILIKE $1` with the pattern as
 * given (prisma/orm#10810; tests/rest pins it), so the trigram indexes serve it as they serve
 * `contains`. Not offered to tRPC: its filter stays the contract's.
 */
export interface IlikePatterns {
  nameIlike?: string | undefined;
  artistIlike?: string | undefined;
}

export function songIlikeWhere({ nameIlike, artistIlike }: IlikePatterns): Prisma.SongWhereInput {
  const where: Prisma.SongWhereInput[] = [];
  // Stryker disable next-line ConditionalExpression: equivalent, Prisma reads `equals: undefined` as no condition
  if (nameIlike !== undefined) where.push({ name: { equals: nameIlike, mode: 'insensitive' } });
  // Stryker disable next-line ConditionalExpression: equivalent, Prisma reads `equals: undefined` as no condition
  if (artistIlike !== undefined) where.push({ artist: { equals: artistIlike, mode: 'insensitive' } });
  return { AND: where };
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

/** The ORDER BY of a listing: the requested keys, then `id` so that the order is total. */
export function songOrderBy(terms: readonly SortTerm[]): Prisma.SongOrderByWithRelationInput[] {
  return [...terms.map(({ field, descending }) => ({ [field]: descending ? 'desc' : 'asc' })), { id: 'asc' }];
}

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
export function keysetWhere(terms: readonly SortTerm[], position: KeysetPosition): Prisma.SongWhereInput {
  const equalities: Prisma.SongWhereInput[] = [];
  const branches: Prisma.SongWhereInput[] = [];
  terms.forEach(({ field, descending }, index) => {
    const value = position.values[index];
    branches.push({ AND: [...equalities, { [field]: { [descending ? 'lt' : 'gt']: value } }] });
    equalities.push({ [field]: value });
  });
  branches.push({ AND: [...equalities, { id: { gt: position.id } }] });

  const [leading] = terms;
  const leadingBound: Prisma.SongWhereInput = leading
    ? // Stryker disable next-line ObjectLiteral: equivalent in results, the OR below already implies this bound; it is there for the index range scan (bench/ measures it)
      { [leading.field]: { [leading.descending ? 'lte' : 'gte']: position.values[0] } }
    : // Stryker disable next-line ObjectLiteral: unreachable, orderBy always has at least one key (orderBySchema.min(1)), so `leading` is never undefined
      { id: { gt: position.id } };
  return { AND: [leadingBound, { OR: branches }] };
}

/**
 * One page of a limit/offset listing and the count of every row `where` matches, read in one
 * snapshot so that they never disagree under concurrent writes (song.list and the REST list).
 */
export async function readOffsetPage(
  prisma: PrismaClient,
  page: { where: Prisma.SongWhereInput; terms: readonly SortTerm[]; limit: number; offset: number },
) {
  const [items, total] = await prisma.$transaction(
    [
      prisma.song.findMany({
        where: page.where,
        orderBy: songOrderBy(page.terms),
        take: page.limit,
        skip: page.offset,
        select: songSelect,
      }),
      prisma.song.count({ where: page.where }),
    ],
    { isolationLevel: 'RepeatableRead' },
  );
  return { items, total, limit: page.limit, offset: page.offset };
}
