/**
 * Shared by the song.* tests: a snapshot of the table, an independent model of the contract's
 * ordering, and walkers that read a whole listing through song.list or song.infinite.
 */
import { expect } from 'vitest';
import type { z } from 'zod';
import { songSelect } from '../../src/songs/query.js';
import type { SongInfiniteInput, SongListInput, SortKey, songFilterSchema } from '../../src/songs/schemas.js';
import { expectTRPCError, type TRPCErrorCode } from '../support/errors.js';
import type { Caller, TestDatabase } from '../support/test-database.js';

type ListInput = NonNullable<SongListInput>;
type InfiniteInput = NonNullable<SongInfiniteInput>;
export type Song = Awaited<ReturnType<Caller['song']['byId']>>;
export type { SortKey };
/** The filter fields of song.list and song.infinite, as a client writes them. */
export type Filter = z.input<typeof songFilterSchema>;

/** A well-formed uuid that no row has (ids are random v4s). */
export const MISSING_ID = '00000000-0000-4000-8000-000000000000';

/** Strings that are not uuids; each must be a BAD_REQUEST, never reach the database. */
export const NOT_UUIDS: [string, unknown][] = [
  ['an empty string', ''],
  ['a word', 'song-1'],
  ['a number', 42],
  ['null', null],
  ['a uuid without hyphens', '6f1c2b9e3d4a4b5c8d6e7f8a9b0c1d2e'],
  ['a uuid one character short', '6f1c2b9e-3d4a-4b5c-8d6e-7f8a9b0c1d2'],
  ['a uuid with a non-hex character', '6f1c2b9e-3d4a-4b5c-8d6e-7f8a9b0c1d2g'],
  ['a uuid with trailing text', '6f1c2b9e-3d4a-4b5c-8d6e-7f8a9b0c1d2e; DROP TABLE songs'],
  ['an SQL fragment', "' OR 1=1 --"],
];

/** Every column of every row, in id order: equal snapshots mean nothing was written. */
export function tableSnapshot(db: TestDatabase) {
  return db.prisma.song.findMany({ orderBy: { id: 'asc' } });
}

/**
 * Expects `call` to fail as `expectTRPCError(call(), code, field)` does, and to leave every row as
 * it was. A function, not a promise, so that the snapshot is taken before the request starts.
 */
export async function expectRejectedWithoutWrites(
  db: TestDatabase,
  call: () => Promise<unknown>,
  code: TRPCErrorCode,
  field?: string,
): Promise<void> {
  const before = await tableSnapshot(db);
  await expectTRPCError(call(), code, field);
  expect(await tableSnapshot(db)).toEqual(before);
}

/** A day as Prisma reads a SQL date: a `Date` at 00:00 UTC. */
export const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

/**
 * All songs, straight from the table (not through the procedures under test), in the contract's
 * shape: `releasedOn` as "YYYY-MM-DD", read here independently of the server's own conversion.
 */
export async function allSongs(db: TestDatabase): Promise<Song[]> {
  const rows = await db.prisma.song.findMany({ select: songSelect });
  return rows.map((row) => ({ ...row, releasedOn: row.releasedOn.toISOString().slice(0, 10) }));
}

/**
 * A comparator for the contract's order: the keys in turn, then id ascending. Text follows the
 * database's collation, so text keys are compared by their rank in the database's own ORDER BY
 * (byte order on a C database, something else elsewhere); everything else is compared here.
 */
export async function contractOrder(db: TestDatabase, keys: readonly SortKey[]) {
  const ranks = new Map<string, Map<string, number>>();
  for (const column of ['name', 'artist'] as const) {
    const rows = await db.database.script<{ value: string }>(
      `SELECT DISTINCT ${column} AS value FROM songs ORDER BY ${column}`,
    );
    ranks.set(column, new Map(rows.map((row, index) => [row.value, index])));
  }
  const sortValue = (song: Song, field: string): number => {
    if (field === 'name' || field === 'artist') {
      const rank = ranks.get(field)?.get(song[field]);
      if (rank === undefined) throw new Error(`contractOrder: "${song[field]}" was not in the table`);
      return rank;
    }
    if (field === 'streams') return song.streams;
    if (field === 'releasedOn') return day(song.releasedOn).getTime();
    if (field === 'createdAt') return song.createdAt.getTime();
    throw new Error(`contractOrder: unknown field ${field}`);
  };
  return (a: Song, b: Song): number => {
    for (const key of keys) {
      const descending = key.startsWith('-');
      const field = descending ? key.slice(1) : key;
      const difference = sortValue(a, field) - sortValue(b, field);
      if (difference !== 0) return descending ? -difference : difference;
    }
    // uuids sort bytewise in PostgreSQL, which is the order of their lowercase hex text.
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

/** Every row of a listing, read through song.list 100 rows at a time. */
export async function listAll(caller: Caller, input: Omit<ListInput, 'limit' | 'offset'>): Promise<Song[]> {
  const songs: Song[] = [];
  for (;;) {
    const page = await caller.song.list({ ...input, limit: 100, offset: songs.length });
    songs.push(...page.items);
    if (page.items.length === 0 || songs.length >= page.total) return songs;
  }
}

export interface Walk {
  pages: Song[][];
  /** The cursor each page returned, in order (the last one must be null). */
  cursors: (string | null)[];
}

/**
 * Follows nextCursor to the end, from the first page or from `input.cursor` (bounded, so a cursor
 * loop fails the test).
 */
export async function walkInfinite(caller: Caller, input: InfiniteInput, maxPages = 1000): Promise<Walk> {
  const walk: Walk = { pages: [], cursors: [] };
  let cursor: string | null = input.cursor ?? null;
  do {
    if (walk.pages.length >= maxPages) throw new Error(`walkInfinite: more than ${maxPages} pages`);
    const page: { items: Song[]; nextCursor: string | null } = await caller.song.infinite({
      ...input,
      cursor,
    });
    walk.pages.push(page.items);
    walk.cursors.push(page.nextCursor);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return walk;
}

export const ids = (songs: readonly { id: string }[]) => songs.map((song) => song.id);
