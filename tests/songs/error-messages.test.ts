/**
 * The exact texts a client reads when a song.* call fails: `message` ("field: message; …") and
 * `data.zodError.fieldErrors`. They are part of the contract (frontends show them next to the
 * fields), so they are asserted whole. Over real HTTP: createCaller does not run the errorFormatter
 * that writes them (trpc/trpc#4120).
 */
import { TRPCClientError } from '@trpc/client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppRouter } from '../../src/router.js';
import { songInput } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { MISSING_ID } from './helpers.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server[Symbol.asyncDispose]());
beforeEach(() => server.database.script('DELETE FROM songs'));

type Client = TestServer['client'];

async function failure(call: (client: Client) => Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  const error = await call(server.writer).then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<AppRouter>;
}

const DATE_FORMAT = 'must be a real calendar date written "YYYY-MM-DD"';
const WELL_FORMED = 'must be well-formed Unicode (no unpaired surrogates)';

describe('validation errors: the message and zodError.fieldErrors, word for word', () => {
  const cases: [string, (client: Client) => Promise<unknown>, string, Record<string, string[]>][] = [
    [
      'two problems at once',
      (c) => c.song.create.mutate(songInput({ name: ' ', streams: -1 })),
      'name: name must not be empty; streams: streams must not be negative',
      { name: ['name must not be empty'], streams: ['streams must not be negative'] },
    ],
    [
      'a nested update field',
      (c) => c.song.update.mutate({ id: MISSING_ID, data: { name: 'n'.repeat(201) } }),
      'data.name: name must be at most 200 characters',
      { data: ['name must be at most 200 characters'] },
    ],
    [
      'an empty patch',
      (c) => c.song.update.mutate({ id: MISSING_ID, data: {} }),
      'data: data must change at least one of name, artist, streams, releasedOn',
      { data: ['data must change at least one of name, artist, streams, releasedOn'] },
    ],
    [
      'a name that is not a string',
      (c) => c.song.create.mutate({ ...songInput(), name: 7 } as never),
      'name: name must be a string',
      { name: ['name must be a string'] },
    ],
    [
      'a NUL in the artist',
      (c) => c.song.create.mutate(songInput({ artist: 'a\u0000' })),
      'artist: artist must not contain NUL characters',
      { artist: ['artist must not contain NUL characters'] },
    ],
    [
      'a lone surrogate in the name',
      (c) => c.song.create.mutate(songInput({ name: 'ls \ud800' })),
      `name: name ${WELL_FORMED}`,
      { name: [`name ${WELL_FORMED}`] },
    ],
    [
      'streams above the maximum',
      (c) => c.song.create.mutate(songInput({ streams: 1.7976931348623157e308 })),
      'streams: streams must be at most 1e15',
      { streams: ['streams must be at most 1e15'] },
    ],
    [
      'streams that is not a number',
      (c) => c.song.create.mutate({ ...songInput(), streams: '5' } as never),
      'streams: streams must be a finite number',
      { streams: ['streams must be a finite number'] },
    ],
    [
      'a release date that does not exist',
      (c) => c.song.create.mutate(songInput({ releasedOn: '2023-02-30' })),
      `releasedOn: releasedOn ${DATE_FORMAT}`,
      { releasedOn: [`releasedOn ${DATE_FORMAT}`] },
    ],
    [
      'a release Date in year 0',
      (c) => c.song.create.mutate(songInput({ releasedOn: new Date('0000-06-01T00:00:00Z') })),
      'releasedOn: releasedOn must be between 0001-01-01 and 9999-12-31',
      { releasedOn: ['releasedOn must be between 0001-01-01 and 9999-12-31'] },
    ],
    [
      'a release date of another type',
      (c) => c.song.create.mutate({ ...songInput(), releasedOn: 20230101 } as never),
      'releasedOn: releasedOn must be a Date or a "YYYY-MM-DD" string',
      { releasedOn: ['releasedOn must be a Date or a "YYYY-MM-DD" string'] },
    ],
    [
      'an id that is not a uuid',
      (c) => c.song.byId.query({ id: 'song-1' }),
      'id: id must be a UUID',
      { id: ['id must be a UUID'] },
    ],
    [
      'an ifUpdatedAt that is not a Date',
      (c) => c.song.delete.mutate({ id: MISSING_ID, ifUpdatedAt: 'yesterday' } as never),
      'ifUpdatedAt: ifUpdatedAt must be a Date (the updatedAt you last read)',
      { ifUpdatedAt: ['ifUpdatedAt must be a Date (the updatedAt you last read)'] },
    ],
    [
      'a filter bound above the maximum',
      (c) => c.song.list.query({ streamsGte: 1e16 }),
      'streamsGte: streamsGte must be between -1e15 and 1e15',
      { streamsGte: ['streamsGte must be between -1e15 and 1e15'] },
    ],
    [
      'a filter bound below the minimum',
      (c) => c.song.list.query({ streamsLte: -1e16 }),
      'streamsLte: streamsLte must be between -1e15 and 1e15',
      { streamsLte: ['streamsLte must be between -1e15 and 1e15'] },
    ],
    [
      'a substring filter with a lone surrogate',
      (c) => c.song.list.query({ artistContains: '\udc00' }),
      `artistContains: artistContains ${WELL_FORMED}`,
      { artistContains: [`artistContains ${WELL_FORMED}`] },
    ],
    [
      'a substring filter that is too long',
      (c) => c.song.list.query({ nameContains: 'x'.repeat(201) }),
      'nameContains: nameContains must be at most 200 characters',
      { nameContains: ['nameContains must be at most 200 characters'] },
    ],
    [
      'a date filter that does not exist',
      (c) => c.song.list.query({ releasedOnLte: '2023-13-01' }),
      `releasedOnLte: releasedOnLte ${DATE_FORMAT}`,
      { releasedOnLte: [`releasedOnLte ${DATE_FORMAT}`] },
    ],
    [
      'limit 0',
      (c) => c.song.list.query({ limit: 0 }),
      'limit: limit must be at least 1',
      { limit: ['limit must be at least 1'] },
    ],
    [
      'limit 101',
      (c) => c.song.infinite.query({ limit: 101 }),
      'limit: limit must be at most 100',
      { limit: ['limit must be at most 100'] },
    ],
    [
      'a fractional limit',
      (c) => c.song.list.query({ limit: 1.5 }),
      'limit: limit must be an integer',
      { limit: ['limit must be an integer'] },
    ],
    [
      'a negative offset',
      (c) => c.song.list.query({ offset: -1 }),
      'offset: offset must not be negative',
      { offset: ['offset must not be negative'] },
    ],
    [
      'an unknown sort key',
      (c) => c.song.list.query({ orderBy: ['genre'] as never }),
      'orderBy.0: orderBy keys must be one of name, artist, streams, releasedOn, createdAt, optionally prefixed with "-"',
      {
        orderBy: [
          'orderBy keys must be one of name, artist, streams, releasedOn, createdAt, optionally prefixed with "-"',
        ],
      },
    ],
    [
      'a field sorted twice',
      (c) => c.song.list.query({ orderBy: ['name', '-name'] }),
      'orderBy: orderBy must not name a field twice',
      { orderBy: ['orderBy must not name a field twice'] },
    ],
    [
      'too many sort keys',
      (c) => c.song.list.query({ orderBy: ['name', 'artist', 'streams', 'releasedOn', 'createdAt', 'name'] }),
      'orderBy: orderBy takes at most 5 keys',
      { orderBy: ['orderBy takes at most 5 keys'] },
    ],
    [
      'an empty orderBy',
      (c) => c.song.list.query({ orderBy: [] }),
      'orderBy: orderBy must name at least one key',
      { orderBy: ['orderBy must name at least one key'] },
    ],
    [
      'an infinite direction other than forward',
      (c) => c.song.infinite.query({ direction: 'backward' } as never),
      'direction: direction must be "forward"',
      { direction: ['direction must be "forward"'] },
    ],
    [
      'a list filter name that is empty',
      (c) => c.song.list.query({ name: ' ' }),
      'name: name must not be empty',
      { name: ['name must not be empty'] },
    ],
    [
      'a list filter artist that is not a string',
      (c) => c.song.list.query({ artist: 5 } as never),
      'artist: artist must be a string',
      { artist: ['artist must be a string'] },
    ],
    [
      'a list filter artist with a lone surrogate',
      (c) => c.song.list.query({ artist: '\udfff' }),
      `artist: artist ${WELL_FORMED}`,
      { artist: [`artist ${WELL_FORMED}`] },
    ],
    [
      'a substring filter that is not a string',
      (c) => c.song.list.query({ nameContains: 1 } as never),
      'nameContains: nameContains must be a string',
      { nameContains: ['nameContains must be a string'] },
    ],
    [
      'a substring filter with a NUL',
      (c) => c.song.list.query({ artistContains: 'a\u0000' }),
      'artistContains: artistContains must not contain NUL characters',
      { artistContains: ['artistContains must not contain NUL characters'] },
    ],
    [
      'a filter bound that is not a number',
      (c) => c.song.list.query({ streamsGte: '5' } as never),
      'streamsGte: streamsGte must be a finite number',
      { streamsGte: ['streamsGte must be a finite number'] },
    ],
    [
      'a date filter of another type',
      (c) => c.song.list.query({ releasedOnGte: 2020 } as never),
      'releasedOnGte: releasedOnGte must be a Date or a "YYYY-MM-DD" string',
      { releasedOnGte: ['releasedOnGte must be a Date or a "YYYY-MM-DD" string'] },
    ],
    [
      'a limit that is not a number',
      (c) => c.song.list.query({ limit: '5' } as never),
      'limit: limit must be an integer',
      { limit: ['limit must be an integer'] },
    ],
    [
      'an offset that is not a number',
      (c) => c.song.list.query({ offset: '5' } as never),
      'offset: offset must be an integer',
      { offset: ['offset must be an integer'] },
    ],
    [
      'a fractional offset',
      (c) => c.song.list.query({ offset: 0.5 }),
      'offset: offset must be an integer',
      { offset: ['offset must be an integer'] },
    ],
    [
      'an ifUpdatedAt in year 0',
      (c) => c.song.delete.mutate({ id: MISSING_ID, ifUpdatedAt: new Date('0000-06-01T00:00:00Z') }),
      'ifUpdatedAt: ifUpdatedAt must be between 0001-01-01 and 9999-12-31',
      { ifUpdatedAt: ['ifUpdatedAt must be between 0001-01-01 and 9999-12-31'] },
    ],
    [
      'a cursor that is not a string',
      (c) => c.song.infinite.query({ cursor: 5 } as never),
      'cursor: cursor must be a string',
      { cursor: ['cursor must be a string'] },
    ],
    [
      'a cursor longer than any the server makes',
      (c) => c.song.infinite.query({ cursor: 'x'.repeat(4097) }),
      'cursor: cursor is malformed',
      { cursor: ['cursor is malformed'] },
    ],
    [
      'a malformed cursor',
      (c) => c.song.infinite.query({ cursor: 'not a cursor' }),
      'cursor: cursor is malformed',
      { cursor: ['cursor is malformed'] },
    ],
  ];

  it.each(cases)('%s', async (_, call, message, fieldErrors) => {
    const error = await failure(call);
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.message).toBe(message);
    expect(error.data?.zodError).toEqual({ formErrors: [], fieldErrors });
  });

  it('a cursor reused with another filter', async () => {
    const { nextCursor } = await (async () => {
      for (let index = 0; index < 3; index += 1) await server.writer.song.create.mutate(songInput());
      return server.writer.song.infinite.query({ limit: 1 });
    })();
    const error = await failure((c) =>
      c.song.infinite.query({ limit: 1, nameContains: 'x', cursor: nextCursor }),
    );
    const text = 'cursor was made for a different filter or orderBy; start again without a cursor';
    expect(error.message).toBe(`cursor: ${text}`);
    expect(error.data?.zodError).toEqual({ formErrors: [], fieldErrors: { cursor: [text] } });
  });
});

describe('errors that are not about input keep their text and carry no zodError', () => {
  it.each<[string, (client: Client) => Promise<unknown>, string, string]>([
    ['an unknown song', (c) => c.song.byId.query({ id: MISSING_ID }), 'NOT_FOUND', 'Song not found'],
    [
      'a taken (name, artist)',
      async (c) => {
        await c.song.create.mutate(songInput({ name: 'Twice', artist: 'Same' }));
        return c.song.create.mutate(songInput({ name: 'Twice', artist: 'Same' }));
      },
      'CONFLICT',
      'A song with this name and artist already exists',
    ],
    [
      'a stale ifUpdatedAt',
      async (c) => {
        const song = await c.song.create.mutate(songInput());
        await c.song.update.mutate({ id: song.id, data: { streams: 9 } });
        return c.song.delete.mutate({ id: song.id, ifUpdatedAt: song.updatedAt });
      },
      'PRECONDITION_FAILED',
      'Song has changed since ifUpdatedAt',
    ],
  ])('%s', async (_, call, code, message) => {
    const error = await failure(call);
    expect(error.data?.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.data?.zodError).toBeNull();
  });
});

describe('NODE_ENV=production masks only unexpected errors', () => {
  beforeEach(() => {
    vi.stubEnv('NODE_ENV', 'production');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('keeps NOT_FOUND’s text', async () => {
    const error = await failure((c) => c.song.byId.query({ id: MISSING_ID }));
    expect(error.data?.code).toBe('NOT_FOUND');
    expect(error.message).toBe('Song not found');
  });

  it('keeps BAD_REQUEST’s text and field errors', async () => {
    const error = await failure((c) => c.song.create.mutate(songInput({ streams: -1 })));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.message).toBe('streams: streams must not be negative');
    expect(error.data?.zodError?.fieldErrors).toEqual({ streams: ['streams must not be negative'] });
  });
});
