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
  type Song,
  type SortKey,
} from './helpers.js';

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const sortedIds = (songs: readonly Song[]) => ids([...songs].sort(byId));

describe('song.list', () => {
  const db = useTestDatabase({ fixture: true });

  /** The ids song.list returns for `filter` (as a set: order is tested below) and its total. */
  async function listFiltered(filter: Filter) {
    const page = await db.caller.song.list({ ...filter, limit: 100 });
    return { ids: sortedIds(page.items), total: page.total };
  }

  /** What `filter` should select, decided in JS on the rows of the table. */
  async function expectedIds(predicate: (song: Song) => boolean) {
    return sortedIds((await allSongs(db)).filter(predicate));
  }

  describe("the seed project's three checks, on our fixture", () => {
    it('lists 50 songs with limit 50 and offset 0, and counts all 100 in total', async () => {
      const page = await db.caller.song.list({ limit: 50, offset: 0 });
      expect(page.items).toHaveLength(50);
      expect(page).toMatchObject({ total: FIXTURE_SONGS.length, limit: 50, offset: 0 });
      expect(new Set(ids(page.items)).size).toBe(50);
    });

    it('finds the oldest song with orderBy releasedOn and limit 1', async () => {
      const oldest = [...FIXTURE_SONGS].sort((a, b) =>
        String(a.releasedOn) < String(b.releasedOn) ? -1 : 1,
      )[0];
      const page = await db.caller.song.list({ orderBy: ['releasedOn'], limit: 1 });
      expect(page.items).toHaveLength(1);
      expect(page.items[0]).toMatchObject({
        name: oldest?.name,
        artist: oldest?.artist,
        releasedOn: oldest?.releasedOn,
      });
    });

    it("counts an artist's songs including collaborations with artistContains", async () => {
      const solo = FIXTURE_SONGS.filter((song) => song.artist === 'Marigold').length;
      const withCollaborations = FIXTURE_SONGS.filter((song) => song.artist.includes('Marigold')).length;
      expect(withCollaborations).toBeGreaterThan(solo);
      const page = await db.caller.song.list({ artistContains: 'marigold', limit: 1 });
      expect(page.total).toBe(withCollaborations);
    });
  });

  describe('defaults', () => {
    it('uses limit 50 and offset 0 when called without input', async () => {
      const page = await db.caller.song.list();
      expect(page).toMatchObject({ total: 100, limit: 50, offset: 0 });
      expect(page.items).toHaveLength(50);
    });

    it('orders by createdAt, then id, when no orderBy is given', async () => {
      // Spread createdAt so that the createdAt order differs from the id order, with one tie left.
      const songs = (await allSongs(db)).sort(byId);
      const stamps = ['2030-01-01', '2020-01-01', '2025-01-01', '2020-01-01'];
      for (const [index, stamp] of stamps.entries()) {
        await db.prisma.song.update({ where: { id: songs[index]?.id }, data: { createdAt: day(stamp) } });
      }
      const expected = (await allSongs(db)).sort(await contractOrder(db, ['createdAt']));
      expect(ids(expected)).not.toEqual(sortedIds(expected));
      const page = await db.caller.song.list({ limit: 100 });
      expect(ids(page.items)).toEqual(ids(expected));
    });

    it('returns exactly the Song fields for every item', async () => {
      const page = await db.caller.song.list({ limit: 3 });
      for (const item of page.items) {
        expect(Object.keys(item).sort()).toEqual(
          ['artist', 'createdAt', 'id', 'name', 'releasedOn', 'streams', 'updatedAt'].sort(),
        );
      }
    });
  });

  describe('filters', () => {
    it('name matches exactly one title, and nothing for a substring or another case', async () => {
      const name = 'Static Hearts';
      expect(await listFiltered({ name })).toEqual({
        ids: await expectedIds((song) => song.name === name),
        total: 1,
      });
      expect((await listFiltered({ name: 'Static' })).total).toBe(0);
      expect((await listFiltered({ name: 'static hearts' })).total).toBe(0);
    });

    it('name is trimmed like the stored names', async () => {
      expect((await listFiltered({ name: '  Static Hearts ' })).total).toBe(1);
    });

    it('artist matches exactly, without the collaborations that mention the artist', async () => {
      const expected = await expectedIds((song) => song.artist === 'Marigold');
      expect(expected.length).toBeGreaterThan(1);
      expect(await listFiltered({ artist: 'Marigold' })).toEqual({ ids: expected, total: expected.length });
    });

    it('artistContains is a case-insensitive substring that finds collaborations', async () => {
      const expected = await expectedIds((song) => song.artist.toLowerCase().includes('marigold'));
      expect(expected.length).toBeGreaterThan(
        (await expectedIds((song) => song.artist === 'Marigold')).length,
      );
      const result = await listFiltered({ artistContains: 'mARIGOLD' });
      expect(result).toEqual({ ids: expected, total: expected.length });
      const page = await db.caller.song.list({ artistContains: 'marigold', limit: 100 });
      expect(page.items.map((song) => song.artist)).toEqual(
        expect.arrayContaining(['Marigold', 'Nova Reyes and Marigold', 'Marigold and Lowland Choir']),
      );
    });

    it('nameContains is a case-insensitive substring', async () => {
      const expected = await expectedIds((song) => song.name.toLowerCase().includes('neon'));
      expect(expected).toHaveLength(10);
      expect(await listFiltered({ nameContains: 'NEON' })).toEqual({ ids: expected, total: 10 });
    });

    it.each([
      ['nameContains "%" finds only "100% Pure"', { nameContains: '%' }, ['100% Pure']],
      ['nameContains "0%" finds only "100% Pure"', { nameContains: '0%' }, ['100% Pure']],
      ['nameContains "_" finds only "snake_case blues"', { nameContains: '_' }, ['snake_case blues']],
      ['nameContains "e_c" finds only "snake_case blues"', { nameContains: 'e_c' }, ['snake_case blues']],
      ['nameContains "%%" finds nothing', { nameContains: '%%' }, []],
      ['artistContains "_" finds nothing', { artistContains: '_' }, []],
      ['artistContains "%" finds nothing', { artistContains: '%' }, []],
    ])('%% and _ are literal: %s', async (_, filter, names) => {
      const page = await db.caller.song.list({ ...filter, limit: 100 });
      expect(page.items.map((song) => song.name).sort()).toEqual(names);
      expect(page.total).toBe(names.length);
    });

    it('backslash is literal too, alone and in front of % or _', async () => {
      await db.caller.song.create(songInput({ name: 'C:\\Music' }));
      await db.caller.song.create(songInput({ name: 'Escape \\% Me' }));
      await db.caller.song.create(songInput({ name: 'Escape \\_ Me' }));
      const names = async (nameContains: string) =>
        (await db.caller.song.list({ nameContains, limit: 100 })).items.map((song) => song.name).sort();
      expect(await names('\\')).toEqual(['C:\\Music', 'Escape \\% Me', 'Escape \\_ Me']);
      expect(await names('\\%')).toEqual(['Escape \\% Me']);
      expect(await names('\\_')).toEqual(['Escape \\_ Me']);
      expect(await names('\\M')).toEqual(['C:\\Music']);
      expect(await names('\\\\')).toEqual([]);
    });

    it('streamsGte is inclusive', async () => {
      const expected = await expectedIds((song) => song.streams >= 4.541);
      expect(expected.length).toBeGreaterThan(1);
      const result = await listFiltered({ streamsGte: 4.541 });
      expect(result).toEqual({ ids: expected, total: expected.length });
      expect((await listFiltered({ streamsGte: 4.5411 })).total).toBe(expected.length - 1);
    });

    it('streamsLte is inclusive', async () => {
      const expected = await expectedIds((song) => song.streams <= 1.5);
      const result = await listFiltered({ streamsLte: 1.5 });
      expect(result).toEqual({ ids: expected, total: expected.length });
      expect(result.total).toBeGreaterThan((await listFiltered({ streamsLte: 1.4999 })).total);
    });

    it('streamsGte and streamsLte on the same value select exactly the rows with that value', async () => {
      const expected = await expectedIds((song) => song.streams === 1.5);
      expect(expected).toHaveLength(20);
      expect(await listFiltered({ streamsGte: 1.5, streamsLte: 1.5 })).toEqual({ ids: expected, total: 20 });
    });

    it.each([
      ['"YYYY-MM-DD" strings', '2005-06-06', '2011-12-12'],
      ['Dates', day('2005-06-06'), day('2011-12-12')],
    ])('releasedOnGte and releasedOnLte are inclusive, given as %s', async (_, from, to) => {
      const expected = await expectedIds(
        (song) => song.releasedOn >= '2005-06-06' && song.releasedOn <= '2011-12-12',
      );
      expect(expected.length).toBeGreaterThan(2);
      expect(await listFiltered({ releasedOnGte: from, releasedOnLte: to })).toEqual({
        ids: expected,
        total: expected.length,
      });
      const onlyThatDay = await db.caller.song.list({ releasedOnGte: from, releasedOnLte: from });
      expect(onlyThatDay.items.map((song) => song.name)).toEqual(['Static Hearts']);
    });

    it('releasedOnGte alone keeps the boundary day and everything after it', async () => {
      const expected = await expectedIds((song) => song.releasedOn >= '2020-09-21');
      expect(await listFiltered({ releasedOnGte: '2020-09-21' })).toEqual({
        ids: expected,
        total: expected.length,
      });
    });

    it('releasedOnLte alone keeps the boundary day and everything before it', async () => {
      const expected = await expectedIds((song) => song.releasedOn <= '2003-04-04');
      expect(await listFiltered({ releasedOnLte: day('2003-04-04') })).toEqual({
        ids: expected,
        total: expected.length,
      });
    });

    it('combines every given filter with AND (each one narrows the result)', async () => {
      const filters: [Filter, (song: Song) => boolean][] = [
        [{ artistContains: 'O' }, (song) => song.artist.toLowerCase().includes('o')],
        [{ nameContains: 'r' }, (song) => song.name.toLowerCase().includes('r')],
        [{ streamsGte: 1.5 }, (song) => song.streams >= 1.5],
        [{ streamsLte: 4.5 }, (song) => song.streams <= 4.5],
        [{ releasedOnGte: '2004-01-01' }, (song) => song.releasedOn >= '2004-01-01'],
        [{ releasedOnLte: day('2020-12-31') }, (song) => song.releasedOn <= '2020-12-31'],
      ];
      const combined = async (skip: number | null) => {
        const chosen = filters.filter((_, index) => index !== skip);
        const filter = Object.assign({}, ...chosen.map(([part]) => part)) as Filter;
        const expected = await expectedIds((song) => chosen.every(([, predicate]) => predicate(song)));
        expect(await listFiltered(filter)).toEqual({ ids: expected, total: expected.length });
        return expected.length;
      };
      const all = await combined(null);
      expect(all).toBeGreaterThan(0);
      for (const index of filters.keys()) {
        expect(await combined(index), `without ${JSON.stringify(filters[index]?.[0])}`).toBeGreaterThan(all);
      }
    });

    it('combines exact and substring filters on the same column', async () => {
      const result = await listFiltered({ artist: 'Marigold', artistContains: 'lowland' });
      expect(result.total).toBe(0);
      const both = await listFiltered({ artist: 'Marigold and Lowland Choir', artistContains: 'lowland' });
      expect(both.total).toBe(1);
    });

    it('returns no items and total 0 when nothing matches', async () => {
      const page = await db.caller.song.list({ streamsGte: 4, streamsLte: 3 });
      expect(page).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
    });
  });

  describe('orderBy', () => {
    const orders: SortKey[][] = [
      ['name'],
      ['-name'],
      ['artist'],
      ['-artist'],
      ['streams'],
      ['-streams'],
      ['releasedOn'],
      ['-releasedOn'],
      ['createdAt'],
      ['-createdAt'],
      ['artist', 'streams'],
      ['artist', '-streams'],
      ['-artist', '-releasedOn'],
      ['-streams', 'name'],
      ['streams', '-artist', 'releasedOn'],
      ['createdAt', '-streams', 'artist', 'releasedOn', 'name'],
    ];

    it.each(orders)('orders by %j, ties broken by id ascending', async (...keys) => {
      const expected = (await allSongs(db)).sort(await contractOrder(db, keys));
      const page = await db.caller.song.list({ orderBy: keys, limit: 100 });
      expect(ids(page.items)).toEqual(ids(expected));
    });

    it('breaks ties on streams by id ascending, also when streams are descending', async () => {
      const tied = await expectedIds((song) => song.streams === 1.5);
      for (const orderBy of [['streams'], ['-streams']] as SortKey[][]) {
        const page = await db.caller.song.list({ streamsGte: 1.5, streamsLte: 1.5, orderBy, limit: 100 });
        expect(ids(page.items)).toEqual(tied);
      }
    });

    it('breaks ties on artist by id ascending, and sorts by the next key before id', async () => {
      const marigold = (await allSongs(db)).filter((song) => song.artist === 'Marigold');
      const page = await db.caller.song.list({ artist: 'Marigold', orderBy: ['-artist'], limit: 100 });
      expect(ids(page.items)).toEqual(sortedIds(marigold));
      const byStreams = await db.caller.song.list({ artist: 'Marigold', orderBy: ['artist', '-streams'] });
      const streams = byStreams.items.map((song) => song.streams);
      expect(streams).toEqual([...streams].sort((a, b) => b - a));
      expect(ids(byStreams.items)).not.toEqual(sortedIds(marigold));
    });

    it('sorts the equal createdAt of the fixture by id, ascending or descending', async () => {
      const expected = sortedIds(await allSongs(db));
      const createdAts = new Set((await allSongs(db)).map((song) => song.createdAt.getTime()));
      // The fixture is one INSERT, so every row shares one createdAt: only id decides.
      expect(createdAts.size).toBe(1);
      expect(ids((await db.caller.song.list({ orderBy: ['-createdAt'], limit: 100 })).items)).toEqual(
        expected,
      );
    });

    it('orders text by the database collation, the same way for the page and the keyset', async () => {
      await db.caller.song.create(songInput({ name: 'apple' }));
      await db.caller.song.create(songInput({ name: 'Apple' }));
      await db.caller.song.create(songInput({ name: 'Äpple' }));
      const expected = (await allSongs(db)).sort(await contractOrder(db, ['name']));
      const names = await listAll(db.caller, { orderBy: ['name'] });
      expect(ids(names)).toEqual(ids(expected));
    });
  });

  describe('limit, offset and total', () => {
    it('pages with offset and limit through the whole order, each row once', async () => {
      const everything = (await db.caller.song.list({ orderBy: ['streams'], limit: 100 })).items;
      const pages: Song[] = [];
      for (let offset = 0; offset < 100; offset += 7) {
        const page = await db.caller.song.list({ orderBy: ['streams'], limit: 7, offset });
        expect(page).toMatchObject({ total: 100, limit: 7, offset });
        pages.push(...page.items);
      }
      expect(ids(pages)).toEqual(ids(everything));
    });

    it('returns the rows after offset, at most limit of them', async () => {
      const everything = (await db.caller.song.list({ orderBy: ['-releasedOn'], limit: 100 })).items;
      const page = await db.caller.song.list({ orderBy: ['-releasedOn'], limit: 10, offset: 95 });
      expect(ids(page.items)).toEqual(ids(everything.slice(95)));
      expect(page.items).toHaveLength(5);
    });

    it.each([1, 100])('accepts limit %i', async (limit) => {
      const page = await db.caller.song.list({ limit });
      expect(page.items).toHaveLength(limit);
      expect(page.limit).toBe(limit);
    });

    it('total ignores limit and offset', async () => {
      for (const [limit, offset] of [
        [1, 0],
        [10, 40],
        [100, 99],
      ] as const) {
        expect((await db.caller.song.list({ limit, offset })).total).toBe(100);
      }
    });

    it('total follows the filter, not the page', async () => {
      const expected = await expectedIds((song) => song.artist.toLowerCase().includes('nova'));
      const page = await db.caller.song.list({ artistContains: 'Nova', limit: 2, offset: 1 });
      expect(page.items).toHaveLength(2);
      expect(page.total).toBe(expected.length);
    });

    it.each([100, 101, 10_000])(
      'offset %i past the end gives no items and the right total',
      async (offset) => {
        expect(await db.caller.song.list({ offset })).toEqual({ items: [], total: 100, limit: 50, offset });
      },
    );

    it('offset past the end of a filtered listing gives no items and the filtered total', async () => {
      const page = await db.caller.song.list({ artist: 'Marigold', offset: 50, limit: 10 });
      expect(page.items).toEqual([]);
      expect(page.total).toBe(FIXTURE_SONGS.filter((song) => song.artist === 'Marigold').length);
    });
  });

  describe('rejects invalid input with BAD_REQUEST naming the field', () => {
    it.each([
      ['limit 0', { limit: 0 }, 'limit'],
      ['limit 101', { limit: 101 }, 'limit'],
      ['limit 1.5', { limit: 1.5 }, 'limit'],
      ['a negative limit', { limit: -1 }, 'limit'],
      ['limit as a string', { limit: '10' }, 'limit'],
      ['offset -1', { offset: -1 }, 'offset'],
      ['offset 1.5', { offset: 1.5 }, 'offset'],
      ['offset as a string', { offset: '0' }, 'offset'],
      ['an unknown orderBy key', { orderBy: ['genre'] }, 'orderBy'],
      ['an orderBy key with a bad prefix', { orderBy: ['+name'] }, 'orderBy'],
      ['orderBy sorting by id', { orderBy: ['id'] }, 'orderBy'],
      ['orderBy naming a field twice, "name" and "-name"', { orderBy: ['name', '-name'] }, 'orderBy'],
      ['orderBy repeating a key', { orderBy: ['streams', 'artist', 'streams'] }, 'orderBy'],
      [
        'orderBy with more than 5 keys',
        { orderBy: ['name', 'artist', 'streams', 'releasedOn', 'createdAt', '-name'] },
        'orderBy',
      ],
      ['orderBy as a string', { orderBy: 'name' }, 'orderBy'],
      ['an unknown key', { genre: 'pop' }, 'genre'],
      ['a cursor (list pages by offset)', { cursor: 'abc' }, 'cursor'],
      ['nameContains that is not a string', { nameContains: 5 }, 'nameContains'],
      ['artistContains that is not a string', { artistContains: ['a'] }, 'artistContains'],
      ['a NUL character in nameContains', { nameContains: 'a\u0000' }, 'nameContains'],
      ['a NUL character in the exact artist', { artist: 'Nova\u0000' }, 'artist'],
      ['streamsGte as a string', { streamsGte: '1' }, 'streamsGte'],
      ['streamsLte NaN', { streamsLte: Number.NaN }, 'streamsLte'],
      ['streamsGte of the largest double', { streamsGte: 1.7976931348623157e308 }, 'streamsGte'],
      ['streamsLte of the largest double', { streamsLte: 1.7976931348623157e308 }, 'streamsLte'],
      ['streamsLte just above 1e15', { streamsLte: 1e15 + 2 }, 'streamsLte'],
      ['streamsGte far below -1e15', { streamsGte: -Number.MAX_VALUE }, 'streamsGte'],
      ['a lone surrogate in nameContains', { nameContains: 'ls \ud800' }, 'nameContains'],
      ['a lone surrogate in artistContains', { artistContains: '\udfff' }, 'artistContains'],
      ['a lone surrogate in the exact name', { name: 'ls \ud800' }, 'name'],
      ['a lone surrogate in the exact artist', { artist: 'ls \udbff' }, 'artist'],
      ['releasedOnGte 2023-02-30', { releasedOnGte: '2023-02-30' }, 'releasedOnGte'],
      ['releasedOnLte "2023-1-1"', { releasedOnLte: '2023-1-1' }, 'releasedOnLte'],
      ['releasedOnGte "yesterday"', { releasedOnGte: 'yesterday' }, 'releasedOnGte'],
    ])('%s', async (_, input, field) => {
      await expectTRPCError(db.caller.song.list(input as never), 'BAD_REQUEST', field);
    });

    it('accepts streams bounds of exactly -1e15 and 1e15', async () => {
      const page = await db.caller.song.list({ streamsGte: -1e15, streamsLte: 1e15 });
      expect(page.total).toBe(FIXTURE_SONGS.length);
    });

    it('accepts 5 keys naming every field once', async () => {
      const page = await db.caller.song.list({
        orderBy: ['-name', 'artist', 'streams', 'releasedOn', 'createdAt'],
      });
      expect(page.items).toHaveLength(50);
    });
  });
});
