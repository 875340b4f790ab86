import { describe, expect, it } from 'vitest';
import { expectTRPCError } from '../support/errors.js';
import { FIXTURE_SONGS, songInput } from '../support/factories.js';
import { useTestDatabase } from '../support/test-database.js';
import {
  allSongs,
  contractOrder,
  day,
  type Filter,
  ids,
  listAll,
  type SortKey,
  walkInfinite,
} from './helpers.js';

/** The JSON inside a cursor, for tampering (the format is documented in src/songs/cursor.ts). */
const decode = (cursor: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
const encode = (payload: unknown): string => Buffer.from(JSON.stringify(payload)).toString('base64url');

describe('song.infinite', () => {
  const db = useTestDatabase({ fixture: true });

  /** A cursor into the middle of `input`'s walk (after its first page). */
  async function firstCursor(input: { orderBy?: SortKey[]; limit?: number } & Filter = {}) {
    const page = await db.caller.song.infinite({ limit: 10, ...input });
    if (page.nextCursor === null) throw new Error('expected a second page');
    return page.nextCursor;
  }

  describe('walking every page gives exactly song.list, in the same order, each row once', () => {
    const walks: [string, Filter, SortKey[] | undefined, number | undefined][] = [
      ['the default order and limit', {}, undefined, undefined],
      ['limit 1', {}, ['releasedOn'], 1],
      ['limit 3 by streams (ties across page ends)', {}, ['streams'], 3],
      ['limit 7 by -streams (ties across page ends)', {}, ['-streams'], 7],
      ['limit 7 by createdAt (every row tied)', {}, ['createdAt'], 7],
      ['limit 7 by -createdAt (every row tied)', {}, ['-createdAt'], 7],
      ['limit 9 by name', {}, ['name'], 9],
      ['limit 9 by -name', {}, ['-name'], 9],
      ['limit 4 by artist then -streams (mixed directions)', {}, ['artist', '-streams'], 4],
      ['limit 6 by -artist then releasedOn (mixed directions)', {}, ['-artist', 'releasedOn'], 6],
      ['limit 11 by -streams, name', {}, ['-streams', 'name'], 11],
      ['limit 5 by all five keys', {}, ['-createdAt', 'streams', '-artist', 'releasedOn', 'name'], 5],
      ['limit 2 within a tie group', { streamsGte: 1.5, streamsLte: 1.5 }, ['streams'], 2],
      ['limit 3 filtered by artistContains', { artistContains: 'nova' }, ['-releasedOn'], 3],
      [
        'limit 4 filtered by released dates',
        { releasedOnGte: '2005-01-01', releasedOnLte: day('2015-12-31') },
        ['-streams', 'artist'],
        4,
      ],
      [
        'limit 5 with every filter',
        {
          nameContains: 'e',
          artistContains: 'a',
          streamsGte: 1,
          streamsLte: 4.7,
          releasedOnGte: '2002-01-01',
        },
        ['artist', 'name'],
        5,
      ],
      ['limit 100 (one page)', {}, ['streams'], 100],
    ];

    it.each(walks)('%s', async (_, filter, orderBy, limit) => {
      const expected = await listAll(db.caller, { ...filter, orderBy });
      expect(expected.length).toBeGreaterThan(0);
      const walk = await walkInfinite(db.caller, { ...filter, orderBy, limit });
      const walked = walk.pages.flat();
      expect(ids(walked)).toEqual(ids(expected));
      expect(new Set(ids(walked)).size).toBe(walked.length);
      // Every page but the last is full, and only the last has no nextCursor.
      const pageSize = limit ?? 50;
      for (const page of walk.pages.slice(0, -1)) expect(page).toHaveLength(pageSize);
      expect(walk.cursors.slice(0, -1)).not.toContain(null);
      expect(walk.cursors.at(-1)).toBeNull();
      expect(walk.pages).toHaveLength(Math.ceil(expected.length / pageSize));
    });

    it('follows the contract order independently of song.list (mixed directions and ties)', async () => {
      const orderBy: SortKey[] = ['artist', '-streams'];
      const expected = (await allSongs(db)).sort(await contractOrder(db, orderBy));
      const walk = await walkInfinite(db.caller, { orderBy, limit: 6 });
      expect(ids(walk.pages.flat())).toEqual(ids(expected));
    });

    it('walks more rows than one song.list call can return', async () => {
      for (let index = 0; index < 30; index += 1) {
        await db.caller.song.create(songInput({ streams: index % 3 === 0 ? 1.5 : index }));
      }
      const expected = await listAll(db.caller, { orderBy: ['streams'] });
      expect(expected).toHaveLength(130);
      const walk = await walkInfinite(db.caller, { orderBy: ['streams'], limit: 100 });
      expect(walk.pages.map((page) => page.length)).toEqual([100, 30]);
      expect(ids(walk.pages.flat())).toEqual(ids(expected));
    });
  });

  describe('nextCursor', () => {
    it.each([10, 20, 25, 50, 100])(
      'is null on the last page when it is exactly full (limit %i of 100 rows)',
      async (limit) => {
        const walk = await walkInfinite(db.caller, { limit });
        expect(walk.pages).toHaveLength(100 / limit);
        expect(walk.pages.at(-1)).toHaveLength(limit);
        expect(walk.cursors.at(-1)).toBeNull();
      },
    );

    it('is a string on a full page that has rows after it', async () => {
      const page = await db.caller.song.infinite({ limit: 99 });
      expect(page.items).toHaveLength(99);
      expect(page.nextCursor).toEqual(expect.any(String));
    });

    it('is null, with no items, when nothing matches', async () => {
      await expect(db.caller.song.infinite({ artist: 'Nobody At All' })).resolves.toEqual({
        items: [],
        nextCursor: null,
      });
    });

    it('is null on an empty table', async () => {
      await db.prisma.song.deleteMany();
      await expect(db.caller.song.infinite({})).resolves.toEqual({ items: [], nextCursor: null });
    });

    it('null or a missing cursor both start at the first page', async () => {
      const first = await db.caller.song.infinite({ orderBy: ['streams'], limit: 5 });
      const withNull = await db.caller.song.infinite({ orderBy: ['streams'], limit: 5, cursor: null });
      expect(ids(withNull.items)).toEqual(ids(first.items));
      const expected = await db.caller.song.list({ orderBy: ['streams'], limit: 5 });
      expect(ids(first.items)).toEqual(ids(expected.items));
    });

    it('uses limit 50 by default', async () => {
      const page = await db.caller.song.infinite();
      expect(page.items).toHaveLength(50);
      expect(page.nextCursor).not.toBeNull();
    });
  });

  it('takes the direction "forward" that tRPC’s infinite-query integrations send', async () => {
    const first = await db.caller.song.infinite({ limit: 2, direction: 'forward' });
    const next = await db.caller.song.infinite({ limit: 2, cursor: first.nextCursor, direction: 'forward' });
    expect(next.items).toEqual((await db.caller.song.list({ limit: 2, offset: 2 })).items);
  });

  it('walks the default order (createdAt) by createdAt, not by id, when the two disagree', async () => {
    // The fixture's rows share one createdAt; spread them so that createdAt runs against the ids.
    await db.database.script(`
      UPDATE songs SET created_at = ranked.at
      FROM (
        SELECT id, timestamptz '2020-01-01 00:00:00Z' + row_number() OVER (ORDER BY id DESC) * interval '1 minute' AS at
        FROM songs
      ) AS ranked
      WHERE songs.id = ranked.id`);
    const byIdDescending = ids(await allSongs(db)).sort((a, b) => (a < b ? 1 : -1));
    const walk = await walkInfinite(db.caller, { limit: 7 });
    expect(walk.pages[0]).toHaveLength(7);
    expect(ids(walk.pages.flat())).toEqual(byIdDescending);
  });

  describe('a cursor is bound to its filter and orderBy, not to its limit', () => {
    it.each<[string, Filter, Filter]>([
      ['an explicitly undefined filter on page 2', {}, { nameContains: undefined }],
      ['an explicitly undefined filter on page 1 only', { artist: undefined, streamsGte: undefined }, {}],
    ])('accepts %s as no filter', async (_, first, second) => {
      const cursor = await firstCursor({ orderBy: ['name'], ...first });
      const next = await db.caller.song.infinite({ limit: 10, orderBy: ['name'], ...second, cursor });
      const expected = await db.caller.song.list({ orderBy: ['name'], offset: 10, limit: 10 });
      expect(ids(next.items)).toEqual(ids(expected.items));
    });

    it('continues with a different limit', async () => {
      const cursor = await firstCursor({ orderBy: ['-streams'], limit: 10 });
      const next = await db.caller.song.infinite({ orderBy: ['-streams'], limit: 25, cursor });
      const expected = await db.caller.song.list({ orderBy: ['-streams'], offset: 10, limit: 25 });
      expect(ids(next.items)).toEqual(ids(expected.items));
    });

    it.each([
      ['a filter added', { orderBy: ['streams'] }, { orderBy: ['streams'], artistContains: 'nova' }],
      ['a filter removed', { orderBy: ['streams'], streamsGte: 1 }, { orderBy: ['streams'] }],
      ['a filter value changed', { streamsGte: 1 }, { streamsGte: 2 }],
      ['a date bound changed', { releasedOnGte: '2001-01-01' }, { releasedOnGte: '2001-01-02' }],
      ['a substring changed', { nameContains: 'e' }, { nameContains: 'E ' }],
      ['orderBy reversed', { orderBy: ['streams'] }, { orderBy: ['-streams'] }],
      ['orderBy with another key', { orderBy: ['streams'] }, { orderBy: ['releasedOn'] }],
      ['orderBy with a key added', { orderBy: ['streams'] }, { orderBy: ['streams', 'name'] }],
      ['orderBy keys swapped', { orderBy: ['artist', 'streams'] }, { orderBy: ['streams', 'artist'] }],
      ['the default orderBy replaced', {}, { orderBy: ['name'] }],
    ] as [string, Filter & { orderBy?: SortKey[] }, Filter & { orderBy?: SortKey[] }][])(
      'is BAD_REQUEST naming cursor when reused with %s',
      async (_, made, reused) => {
        const cursor = await firstCursor({ limit: 5, ...made });
        await expectTRPCError(
          db.caller.song.infinite({ limit: 5, ...reused, cursor }),
          'BAD_REQUEST',
          'cursor',
        );
      },
    );
  });

  describe('a malformed cursor is BAD_REQUEST naming cursor', () => {
    it.each([
      ['garbage', 'this is not a cursor!'],
      ['an empty-looking base64 string', '===='],
      ['base64 of text that is not JSON', Buffer.from('hello world').toString('base64url')],
      ['base64 of JSON null', encode(null)],
      ['base64 of a JSON number', encode(42)],
      ['base64 of a JSON array', encode([1, 2, 3])],
      ['base64 of an unrelated JSON object', encode({ page: 2 })],
      ['far too long', 'A'.repeat(10_000)],
    ])('%s', async (_, cursor) => {
      await expectTRPCError(db.caller.song.infinite({ cursor }), 'BAD_REQUEST', 'cursor');
    });

    it('a cursor that is not a string', async () => {
      await expectTRPCError(db.caller.song.infinite({ cursor: 42 } as never), 'BAD_REQUEST', 'cursor');
    });

    it('a truncated cursor, at every length', async () => {
      const cursor = await firstCursor({ orderBy: ['-releasedOn', 'name'] });
      for (let length = 1; length < cursor.length; length += 1) {
        await expectTRPCError(
          db.caller.song.infinite({ orderBy: ['-releasedOn', 'name'], cursor: cursor.slice(0, length) }),
          'BAD_REQUEST',
          'cursor',
        );
      }
    });

    it('a cursor with any one of its fields removed', async () => {
      const cursor = await firstCursor({ orderBy: ['streams'] });
      const payload = decode(cursor);
      expect(Object.keys(payload).length).toBeGreaterThan(1);
      for (const key of Object.keys(payload)) {
        const { [key]: _, ...rest } = payload;
        await expectTRPCError(
          db.caller.song.infinite({ orderBy: ['streams'], cursor: encode(rest) }),
          'BAD_REQUEST',
          'cursor',
        );
      }
    });

    it('a cursor with an extra field', async () => {
      const cursor = await firstCursor({ orderBy: ['streams'] });
      const tampered = encode({ ...decode(cursor), offset: 0 });
      await expectTRPCError(
        db.caller.song.infinite({ orderBy: ['streams'], cursor: tampered }),
        'BAD_REQUEST',
        'cursor',
      );
    });

    it('a cursor with any one of its values replaced by a value of another type', async () => {
      const orderBy: SortKey[] = ['-releasedOn', 'streams', 'name'];
      const cursor = await firstCursor({ orderBy });
      const payload = decode(cursor);
      const otherType = (value: unknown): unknown => (typeof value === 'string' ? 12 : 'twelve');
      const tamperings: unknown[] = [];
      for (const [key, value] of Object.entries(payload)) {
        tamperings.push({ ...payload, [key]: otherType(value) });
        tamperings.push({ ...payload, [key]: null });
        if (Array.isArray(value)) {
          for (const index of value.keys()) {
            tamperings.push({
              ...payload,
              [key]: value.map((item, at) => (at === index ? otherType(item) : item)),
            });
          }
          tamperings.push({ ...payload, [key]: value.slice(0, -1) });
          tamperings.push({ ...payload, [key]: [...value, value[0]] });
        }
      }
      for (const tampered of tamperings) {
        await expectTRPCError(
          db.caller.song.infinite({ orderBy, cursor: encode(tampered) }),
          'BAD_REQUEST',
          'cursor',
        );
      }
    });

    it('a cursor whose text value holds a NUL character, fingerprint and all intact', async () => {
      const orderBy: SortKey[] = ['name'];
      const payload = decode(await firstCursor({ orderBy }));
      const tampered = encode({ ...payload, k: ['Neon\u0000'] });
      await expectTRPCError(db.caller.song.infinite({ orderBy, cursor: tampered }), 'BAD_REQUEST', 'cursor');
    });

    it.each<[string, SortKey, unknown]>([
      ['a releasedOn in year 0000', 'releasedOn', '0000-06-01T00:00:00.000Z'],
      ['a releasedOn in year 10000', 'releasedOn', '+010000-01-01T00:00:00.000Z'],
      ['a createdAt in year 0000', 'createdAt', '0000-06-01T00:00:00.000Z'],
      ['a createdAt in year 10000', '-createdAt', '+010000-01-01T00:00:00.000Z'],
      ['streams of the largest double', 'streams', 1.7976931348623157e308],
      ['streams just above 1e15', '-streams', 1e15 + 2],
      ['negative streams', 'streams', -1],
      ['a name with a lone surrogate', 'name', 'ls \ud800'],
      ['an artist longer than 200 characters', 'artist', 'a'.repeat(201)],
    ])('a cursor holding %s, fingerprint and all intact', async (_, key, value) => {
      const orderBy: SortKey[] = [key];
      const payload = decode(await firstCursor({ orderBy }));
      const tampered = encode({ ...payload, k: [value] });
      const error = await expectTRPCError(
        db.caller.song.infinite({ orderBy, cursor: tampered }),
        'BAD_REQUEST',
        'cursor',
      );
      expect(error.message).toBe('cursor is malformed');
    });

    it('accepts a hand-made cursor at the edges of the ranges (year 1, year 9999, streams 1e15)', async () => {
      const edges: [SortKey, unknown][] = [
        ['releasedOn', '0001-01-01T00:00:00.000Z'],
        ['-createdAt', '9999-12-31T23:59:59.999Z'],
        ['-streams', 1e15],
      ];
      for (const [key, value] of edges) {
        const orderBy: SortKey[] = [key];
        const payload = decode(await firstCursor({ orderBy }));
        const page = await db.caller.song.infinite({
          orderBy,
          limit: 100,
          cursor: encode({ ...payload, k: [value] }),
        });
        expect(page.items).toHaveLength(FIXTURE_SONGS.length);
      }
    });

    it('a cursor whose date, id or fingerprint text was tampered with', async () => {
      const orderBy: SortKey[] = ['releasedOn'];
      const cursor = await firstCursor({ orderBy });
      const payload = decode(cursor);
      const strings = Object.entries(payload).filter(([, value]) => typeof value === 'string');
      expect(strings.length).toBeGreaterThan(0);
      for (const [key] of strings) {
        const tampered = encode({ ...payload, [key]: 'not-what-it-was' });
        await expectTRPCError(
          db.caller.song.infinite({ orderBy, cursor: tampered }),
          'BAD_REQUEST',
          'cursor',
        );
      }
      const values = Object.values(payload).find(Array.isArray) as unknown[];
      for (const date of ['2020-13-45T00:00:00.000Z', 'yesterday', '']) {
        const tampered = encode({ ...payload, k: values.map(() => date) });
        await expectTRPCError(
          db.caller.song.infinite({ orderBy, cursor: tampered }),
          'BAD_REQUEST',
          'cursor',
        );
      }
    });

    it('a failed cursor does not break the next request', async () => {
      await expectTRPCError(db.caller.song.infinite({ cursor: 'garbage' }), 'BAD_REQUEST', 'cursor');
      await expect(db.caller.song.infinite({ limit: 1 })).resolves.toMatchObject({
        items: [expect.anything()],
      });
    });
  });

  describe('keyset stability: changes before the cursor do not shift the next page', () => {
    it('inserting rows before the cursor between pages neither repeats nor skips rows', async () => {
      const orderBy: SortKey[] = ['releasedOn'];
      const first = await db.caller.song.infinite({ orderBy, limit: 10 });
      const expected = (await db.caller.song.list({ orderBy, offset: 10, limit: 10 })).items;
      for (const releasedOn of ['1990-01-01', '1991-01-01', '1992-01-01']) {
        await db.caller.song.create(songInput({ releasedOn }));
      }
      const second = await db.caller.song.infinite({ orderBy, limit: 10, cursor: first.nextCursor });
      expect(ids(second.items)).toEqual(ids(expected));
      // OFFSET would now be off by three: the check above could tell the difference.
      const shifted = (await db.caller.song.list({ orderBy, offset: 10, limit: 10 })).items;
      expect(ids(shifted)).not.toEqual(ids(expected));
    });

    it('deleting rows before the cursor, including the last row returned, does not skip rows', async () => {
      const orderBy: SortKey[] = ['-streams', 'name'];
      const first = await db.caller.song.infinite({ orderBy, limit: 10 });
      const rest = (await listAll(db.caller, { orderBy })).slice(10);
      const deleted = [first.items[0], first.items[4], first.items.at(-1)];
      for (const song of deleted) await db.caller.song.delete({ id: song?.id as string });
      expect(first.nextCursor).not.toBeNull();
      const walked = await walkInfinite(db.caller, { orderBy, limit: 10, cursor: first.nextCursor });
      expect(ids(walked.pages.flat())).toEqual(ids(rest));
    });

    it('holds inside a tie: a row with the same sort value and a smaller id is before the cursor', async () => {
      // Ascending streams: 8 rows below 1.5, then 20 rows tied at 1.5, so limit 14 ends mid-tie.
      const orderBy: SortKey[] = ['streams'];
      const first = await db.caller.song.infinite({ orderBy, limit: 14 });
      const last = first.items.at(-1);
      expect(last?.streams).toBe(1.5);
      const expectedRest = (await listAll(db.caller, { orderBy })).slice(14);
      const before = await db.prisma.song.create({
        data: {
          ...songInput({ streams: 1.5 }),
          id: '00000000-0000-4000-8000-000000000001',
          releasedOn: day('2020-01-01'),
        },
      });
      const after = await db.prisma.song.create({
        data: {
          ...songInput({ streams: 1.5 }),
          id: 'ffffffff-ffff-4fff-bfff-ffffffffffff',
          releasedOn: day('2020-01-01'),
        },
      });
      expect(first.nextCursor).not.toBeNull();
      const walk = (
        await walkInfinite(db.caller, { orderBy, limit: 14, cursor: first.nextCursor })
      ).pages.flat();
      // The row tied before the cursor is not shown; the one tied after it is, at the end of the tie.
      expect(ids(walk)).not.toContain(before.id);
      const tieEnd = expectedRest.findLastIndex((song) => song.streams === 1.5) + 1;
      expect(ids(walk)).toEqual([
        ...ids(expectedRest.slice(0, tieEnd)),
        after.id,
        ...ids(expectedRest.slice(tieEnd)),
      ]);
    });

    it('rows inserted after the cursor show up in the pages that follow', async () => {
      const orderBy: SortKey[] = ['releasedOn'];
      const first = await db.caller.song.infinite({ orderBy, limit: 50 });
      const late = await db.caller.song.create(songInput({ releasedOn: '2099-12-31' }));
      const second = await db.caller.song.infinite({ orderBy, limit: 100, cursor: first.nextCursor });
      expect(ids(second.items).at(-1)).toBe(late.id);
      expect(second.items).toHaveLength(FIXTURE_SONGS.length - 50 + 1);
    });
  });

  describe('rejects invalid input with BAD_REQUEST naming the field', () => {
    it.each([
      ['limit 0', { limit: 0 }, 'limit'],
      ['limit 101', { limit: 101 }, 'limit'],
      ['limit 1.5', { limit: 1.5 }, 'limit'],
      ['an unknown orderBy key', { orderBy: ['genre'] }, 'orderBy'],
      ['orderBy naming a field twice', { orderBy: ['-name', 'name'] }, 'orderBy'],
      [
        'orderBy with more than 5 keys',
        { orderBy: ['name', 'artist', 'streams', 'releasedOn', 'createdAt', 'name'] },
        'orderBy',
      ],
      ['an offset (infinite pages by cursor)', { offset: 10 }, 'offset'],
      ['an unknown key', { genre: 'pop' }, 'genre'],
      ['releasedOnLte 2023-02-30', { releasedOnLte: '2023-02-30' }, 'releasedOnLte'],
      ['streamsGte as a string', { streamsGte: 'many' }, 'streamsGte'],
      ['nameContains that is not a string', { nameContains: 1 }, 'nameContains'],
    ])('%s', async (_, input, field) => {
      await expectTRPCError(db.caller.song.infinite(input as never), 'BAD_REQUEST', field);
    });
  });
});
