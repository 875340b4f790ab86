/** GET /v1/songs over HTTP: the page, every fastapi-filter parameter, order_by, and their errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/http.js';
import { expectValidationError, rest, restSongBody } from './support.js';

/** Created in this order (`created_at` may tie, so the expected created_at orders are computed). */
const SONGS = [
  { name: 'Levitating', artist: 'Dua Lipa', streams: 2.1, released_on: '2020-03-27' },
  { name: 'One Kiss', artist: 'Calvin Harris and Dua Lipa', streams: 1.8, released_on: '2018-04-06' },
  { name: '100% Pure', artist: 'Lit_Band', streams: 0.5, released_on: '1999-01-01' },
  { name: 'Bohemian Rhapsody', artist: 'Queen', streams: 2.6, released_on: '1975-10-31' },
  { name: "Don't Start Now", artist: 'Dua Lipa', streams: 2.7, released_on: '2019-10-31' },
  { name: 'Litany', artist: 'LitzBand', streams: 0.5, released_on: '2001-01-01' },
];

interface Created {
  id: string;
  name: string;
  created_at: string;
}

let server: TestServer;
const created: Created[] = [];
beforeAll(async () => {
  server = await startTestServer();
  for (const song of SONGS) {
    const response = await rest(server.url, '/v1/songs', {
      method: 'POST',
      json: restSongBody(song),
      headers: { authorization: `Bearer ${server.writerKey}` },
    });
    expect(response.status).toBe(201);
    created.push(response.body as Created);
  }
});

/** The names in created_at order (ascending or not), ties broken by id ascending. */
function byCreation(descending = false): string[] {
  const sign = descending ? -1 : 1;
  return [...created]
    .sort((a, b) => sign * a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id))
    .map((song) => song.name);
}
afterAll(() => server[Symbol.asyncDispose]());

interface Page {
  items: { name: string }[];
  total: number;
  limit: number;
  offset: number;
}

/** The names on the page for `query`, after checking it is a 200. */
async function names(query: string): Promise<string[]> {
  const response = await rest(server.url, `/v1/songs?${query}`);
  expect(response.status).toBe(200);
  return (response.body as Page).items.map((item) => item.name);
}

describe('the page', () => {
  it('defaults to limit 50, offset 0, ordered by created_at, with the total and snake_case items', async () => {
    const response = await rest(server.url, '/v1/songs');
    expect(response.status).toBe(200);
    const page = response.body as Page;
    expect(page).toMatchObject({ total: 6, limit: 50, offset: 0 });
    expect(page.items.map((item) => item.name)).toEqual(byCreation());
    expect(Object.keys(page.items[0] ?? {}).sort()).toEqual(
      ['artist', 'created_at', 'id', 'name', 'released_on', 'streams'].sort(),
    );
  });

  it('takes limit and offset, and counts every match in total whatever the page', async () => {
    const response = await rest(server.url, '/v1/songs?limit=2&offset=2');
    expect(response.body).toMatchObject({ total: 6, limit: 2, offset: 2 });
    expect((response.body as Page).items.map((item) => item.name)).toEqual(byCreation().slice(2, 4));
  });

  it('reads the last of a repeated parameter and ignores unknown ones, as FastAPI does', async () => {
    expect(await names('limit=1&limit=4&limit=2&colour=blue')).toHaveLength(2);
  });
});

describe('filters', () => {
  it.each([
    ['name=Levitating', ['Levitating']],
    ['artist=Dua%20Lipa', ['Levitating', "Don't Start Now"]],
    ['artist=dua%20lipa', []],
    ['streams__gte=2&streams__lte=2.6', ['Levitating', 'Bohemian Rhapsody']],
    ['streams__gte=2.7', ["Don't Start Now"]],
    ['released_on__gte=2018-04-06&released_on__lte=2020-01-01', ['One Kiss', "Don't Start Now"]],
    ['artist=Dua%20Lipa&released_on__lte=2019-12-31', ["Don't Start Now"]],
  ])('%s', async (query, expected) => {
    expect((await names(query)).sort()).toEqual([...expected].sort());
  });
});

describe('__ilike: SQL ILIKE patterns written by the caller', () => {
  it.each([
    ['artist__ilike=%25dua%20lipa%25', ['Levitating', 'One Kiss', "Don't Start Now"]],
    ['artist__ilike=dua%20lipa', ['Levitating', "Don't Start Now"]],
    ['artist__ilike=DUA%25', ['Levitating', "Don't Start Now"]],
    ['artist__ilike=%25lipa', ['Levitating', 'One Kiss', "Don't Start Now"]],
    ['artist__ilike=_ua%20lipa', ['Levitating', "Don't Start Now"]],
    ['artist__ilike=lit_band', ['100% Pure', 'Litany']],
    ['artist__ilike=lit%5C_band', ['100% Pure']],
    ['name__ilike=%25%5C%25%25', ['100% Pure']],
    ['name__ilike=%25', SONGS.map((song) => song.name)],
    ['name__ilike=l%25&artist__ilike=%25lipa', ['Levitating']],
  ])('%s', async (query, expected) => {
    expect((await names(query)).sort()).toEqual([...expected].sort());
  });
});

describe('order_by', () => {
  it('sorts by comma-separated keys, "-" descending, ties broken by id', async () => {
    expect(await names('order_by=-streams,name')).toEqual([
      "Don't Start Now",
      'Bohemian Rhapsody',
      'Levitating',
      'One Kiss',
      '100% Pure',
      'Litany',
    ]);
  });

  it('reads "+" (sent encoded, or decoded to a space) as ascending', async () => {
    const ascending = await names('order_by=released_on');
    expect(ascending[0]).toBe('Bohemian Rhapsody');
    expect(await names('order_by=%2Breleased_on')).toEqual(ascending);
    expect(await names('order_by=+released_on')).toEqual(ascending);
    expect(await names('order_by=-released_on')).toEqual([...ascending].reverse());
  });

  it('sorts by artist then streams, by created_at, and an empty order_by is the default order', async () => {
    expect(await names('order_by=artist,-streams')).toEqual([
      'One Kiss',
      "Don't Start Now",
      'Levitating',
      '100% Pure',
      'Litany',
      'Bohemian Rhapsody',
    ]);
    expect(await names('order_by=-created_at')).toEqual(byCreation(true));
    expect(await names('order_by=')).toEqual(byCreation());
  });
});

describe('invalid parameters: 422 located in the query by their REST names', () => {
  it.each([
    ['limit=0', ['limit']],
    ['limit=101', ['limit']],
    ['limit=abc', ['limit']],
    ['limit=1.5', ['limit']],
    ['limit=', ['limit']],
    ['offset=-1', ['offset']],
    ['offset=100000000000000000000', ['offset']],
    ['streams__gte=x', ['streams__gte']],
    ['streams__lte=0x10', ['streams__lte']],
    ['streams__gte=1e999', ['streams__gte']],
    ['streams__lte=-2e15', ['streams__lte']],
    ['released_on__gte=2020-02-30', ['released_on__gte']],
    ['released_on__lte=yesterday', ['released_on__lte']],
    ['order_by=title', ['order_by']],
    ['order_by=releasedOn', ['order_by']],
    ['order_by=name,-name', ['order_by']],
    ['order_by=name,artist,streams,released_on,created_at,-name', ['order_by']],
    ['name=', ['name']],
    [`name__ilike=${'x'.repeat(201)}`, ['name__ilike']],
    ['artist__ilike=dua%5C', ['artist__ilike']],
    ['artist__ilike=%00', ['artist__ilike']],
    ['limit=0&offset=-1', ['limit'], ['offset']],
  ])('%s', async (query, ...params) => {
    const response = await rest(server.url, `/v1/songs?${query}`);
    expectValidationError(
      response,
      params.map((param) => ['query', ...param]),
    );
  });

  it('says what is wrong in pydantic terms', async () => {
    const response = await rest(server.url, '/v1/songs?limit=abc&limit=0');
    expect(response.body).toEqual({
      detail: [{ loc: ['query', 'limit'], msg: 'limit must be at least 1', type: 'greater_than_equal' }],
    });
    expect((await rest(server.url, '/v1/songs?limit=abc')).body).toEqual({
      detail: [{ loc: ['query', 'limit'], msg: 'limit must be an integer', type: 'int_parsing' }],
    });
  });
});
