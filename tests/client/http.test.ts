/**
 * The built client (client/dist) against the real Express app over HTTP: every procedure, Dates
 * through superjson, batching, headers, and errors as the contract shapes them.
 *
 * The file's database may hold other rows (the shared fixture), so each test works on songs of
 * its own artist and filters on it.
 */
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/api-keys.js';
import { openThrowawayDatabase } from '../support/test-database.js';
import { type BuiltClient, type BuiltSchemas, importBuiltClient } from './support/built-client.js';
import { type LiveServer, startLiveServer } from './support/live-server.js';

let built: BuiltClient;
let schemas: BuiltSchemas;
let server: LiveServer;
/** songs:write API keys in the server's database: writes need one, and unknown keys are refused. */
let writerKey: string;
let otherKey: string;

beforeAll(async () => {
  ({ client: built, schemas } = await importBuiltClient());
  const database = await openThrowawayDatabase();
  writerKey = (await createApiKey(database.prisma, { name: 'client-test', scopes: ['songs:write'] })).key;
  otherKey = (await createApiKey(database.prisma, { name: 'client-test-2', scopes: ['songs:write'] })).key;
  server = await startLiveServer({ database, closeDatabase: () => database.drop() });
});
afterAll(async () => {
  await server?.[Symbol.asyncDispose]();
});

interface RecordedRequest {
  url: string;
  method: string;
  headers: Headers;
}

/** A client whose fetch records every HTTP request it makes (and sends the writer key by default). */
function recordingClient(
  options: Omit<Parameters<BuiltClient['createSongsClient']>[0], 'url'> = { token: writerKey },
) {
  const requests: RecordedRequest[] = [];
  const recordingFetch: typeof fetch = (input, init) => {
    requests.push({
      url: String(input),
      method: init?.method ?? 'GET',
      headers: new Headers(init?.headers),
    });
    return fetch(input, init);
  };
  const songs = built.createSongsClient({ url: server.trpcUrl, fetch: recordingFetch, ...options });
  return { songs, requests };
}

/** Awaits `call`, expecting it to fail with a TRPCClientError, and returns the error. */
async function failure(call: Promise<unknown>) {
  const error = await call.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  if (!built.isSongsClientError(error)) throw new Error('expected a Songs API error');
  return error;
}

const MISSING_ID = '00000000-0000-4000-8000-000000000000';

describe('built client over HTTP', () => {
  it('creates, reads, updates and deletes a song, with releasedOn as "YYYY-MM-DD" and timestamps as Dates', async () => {
    const { songs } = recordingClient();
    const before = Date.now();
    const created = await songs.song.create.mutate({
      name: 'Blinding Lights',
      artist: 'HTTP crud',
      streams: 4.567,
      releasedOn: '2019-11-29',
    });
    expect(created).toMatchObject({ name: 'Blinding Lights', artist: 'HTTP crud', streams: 4.567 });
    expect(created.releasedOn).toBe('2019-11-29');
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(created.createdAt.getTime()).toBeGreaterThanOrEqual(before - 60_000);
    expect(created.updatedAt).toBeInstanceOf(Date);

    expect(await songs.song.byId.query({ id: created.id })).toEqual(created);

    // A Date input crosses the wire as a Date too (superjson), not as an ISO string.
    const updated = await songs.song.update.mutate({
      id: created.id,
      data: { streams: 4.6, releasedOn: new Date(Date.UTC(2019, 10, 30, 15, 45)) },
    });
    expect(updated.streams).toBe(4.6);
    expect(updated.releasedOn).toBe('2019-11-30');
    expect(updated.createdAt).toEqual(created.createdAt);

    expect(await songs.song.delete.mutate({ id: created.id })).toEqual(updated);
    const gone = await failure(songs.song.byId.query({ id: created.id }));
    expect(gone.data?.code).toBe('NOT_FOUND');
  });

  it('lists with filters, order, limit and offset, and walks song.infinite to the same rows', async () => {
    const { songs } = recordingClient();
    const artist = 'HTTP listing';
    for (const [index, streams] of [3, 1, 2, 2, 5].entries()) {
      await songs.song.create.mutate({
        name: `Track ${index}`,
        artist,
        streams,
        releasedOn: `2021-0${index + 1}-15`,
      });
    }

    const page = await songs.song.list.query({ artist, orderBy: ['-streams', 'name'], limit: 2, offset: 1 });
    expect(page.total).toBe(5);
    expect(page).toMatchObject({ limit: 2, offset: 1 });
    expect(page.items.map((song) => song.name)).toEqual(['Track 0', 'Track 2']);
    expect(page.items.map((song) => song.releasedOn)).toEqual(['2021-01-15', '2021-03-15']);

    const windowed = await songs.song.list.query({
      artist,
      releasedOnGte: '2021-02-01',
      releasedOnLte: new Date('2021-04-30T00:00:00Z'),
      streamsLte: 2,
    });
    expect(windowed.items.map((song) => song.name).sort()).toEqual(['Track 1', 'Track 2', 'Track 3']);

    const all = await songs.song.list.query({ artist, orderBy: ['releasedOn'] });
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const next: Awaited<ReturnType<typeof songs.song.infinite.query>> = await songs.song.infinite.query({
        artist,
        orderBy: ['releasedOn'],
        limit: 2,
        cursor,
      });
      walked.push(...next.items.map((song) => song.id));
      cursor = next.nextCursor;
    } while (cursor !== null);
    expect(walked).toEqual(all.items.map((song) => song.id));
  });

  it('sends concurrent calls as one batched HTTP request', async () => {
    const { songs, requests } = recordingClient();
    const created = await songs.song.create.mutate({
      name: 'Batch',
      artist: 'HTTP batching',
      streams: 1,
      releasedOn: '2022-01-01',
    });
    requests.length = 0;

    const [byId, list, infinite, missing] = await Promise.allSettled([
      songs.song.byId.query({ id: created.id }),
      songs.song.list.query({ artist: 'HTTP batching' }),
      songs.song.infinite.query({ artist: 'HTTP batching', limit: 1 }),
      songs.song.byId.query({ id: MISSING_ID }),
    ]);

    expect(requests).toHaveLength(1);
    const url = new URL(requests[0]?.url ?? '');
    expect(url.pathname).toBe('/trpc/song.byId,song.list,song.infinite,song.byId');
    expect(url.searchParams.get('batch')).toBe('1');
    expect(byId).toMatchObject({ status: 'fulfilled', value: { id: created.id } });
    expect(list).toMatchObject({ status: 'fulfilled', value: { total: 1 } });
    expect(infinite).toMatchObject({ status: 'fulfilled', value: { nextCursor: null } });
    // One failing call in a batch fails alone.
    expect(missing.status).toBe('rejected');
  });

  it('sends the configured headers with every request', async () => {
    const { songs, requests } = recordingClient({
      headers: { authorization: `Bearer ${writerKey}`, 'x-request-id': 'r-1' },
    });
    await Promise.all([songs.song.list.query({ limit: 1 }), songs.song.list.query({ limit: 2 })]);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers.get('authorization')).toBe(`Bearer ${writerKey}`);
    expect(requests[0]?.headers.get('x-request-id')).toBe('r-1');
  });

  it('sends a string token as a Bearer credential, next to the other headers', async () => {
    const { songs, requests } = recordingClient({ token: writerKey, headers: { 'x-trace': 'abc' } });
    await songs.song.list.query({ limit: 1 });
    expect(requests[0]?.headers.get('authorization')).toBe(`Bearer ${writerKey}`);
    expect(requests[0]?.headers.get('x-trace')).toBe('abc');
  });

  it('calls a token function for every request, so a changed token is used at once', async () => {
    let current: string | null = writerKey;
    const { songs, requests } = recordingClient({ token: async () => current });
    await songs.song.list.query({ limit: 1 });
    current = otherKey;
    await songs.song.list.query({ limit: 1 });
    current = null;
    await songs.song.list.query({ limit: 1 });
    expect(requests.map((request) => request.headers.get('authorization'))).toEqual([
      `Bearer ${writerKey}`,
      `Bearer ${otherKey}`,
      null,
    ]);
  });

  it('splits a batch of more than 20 calls into several requests, each within the limit', async () => {
    const { songs, requests } = recordingClient();
    const pages = await Promise.all(
      Array.from({ length: 45 }, (_, index) => songs.song.list.query({ limit: 1, offset: index })),
    );
    expect(pages).toHaveLength(45);
    const callsPerRequest = requests.map((request) => new URL(request.url).pathname.split(',').length);
    expect(callsPerRequest).toEqual([20, 20, 5]);
    expect(built.MAX_BATCH_ITEMS).toBe(20);
  });

  it('reports validation errors as BAD_REQUEST with zod field errors naming the field', async () => {
    const { songs } = recordingClient();
    const cases: [Promise<unknown>, string][] = [
      [
        songs.song.create.mutate({
          name: '   ',
          artist: 'HTTP errors',
          streams: 1,
          releasedOn: '2020-01-01',
        }),
        'name',
      ],
      [
        songs.song.create.mutate({ name: 'x', artist: 'HTTP errors', streams: 1, releasedOn: '2023-02-30' }),
        'releasedOn',
      ],
      [songs.song.byId.query({ id: 'not-a-uuid' }), 'id'],
      [songs.song.list.query({ limit: 500 }), 'limit'],
      [songs.song.list.query({ orderBy: ['name', '-name'] }), 'orderBy'],
      [songs.song.infinite.query({ cursor: 'not a cursor' }), 'cursor'],
    ];
    for (const [call, field] of cases) {
      const error = await failure(call);
      expect(error.data?.code, field).toBe('BAD_REQUEST');
      expect(error.data?.httpStatus, field).toBe(400);
      expect(error.data?.zodError?.fieldErrors[field]?.length, field).toBeGreaterThan(0);
    }

    // A filter the contract does not define is refused by the server too, not silently ignored.
    const unknownFilter = await failure(
      songs.song.list.query(JSON.parse('{"genre":"pop"}') as Parameters<typeof songs.song.list.query>[0]),
    );
    expect(unknownFilter.data?.code).toBe('BAD_REQUEST');
    expect(unknownFilter.data?.zodError?.formErrors.join(' ')).toMatch(/genre/);

    const emptyPatch = await failure(songs.song.update.mutate({ id: MISSING_ID, data: {} }));
    expect(emptyPatch.data?.code).toBe('BAD_REQUEST');
  });

  it('reports NOT_FOUND and CONFLICT with the contract codes', async () => {
    const { songs } = recordingClient();
    const song = { name: 'Twice', artist: 'HTTP errors', streams: 1, releasedOn: '2020-01-01' };
    await songs.song.create.mutate(song);
    const conflict = await failure(songs.song.create.mutate(song));
    expect(conflict.data?.code).toBe('CONFLICT');
    expect(conflict.data?.httpStatus).toBe(409);

    for (const call of [
      songs.song.byId.query({ id: MISSING_ID }),
      songs.song.update.mutate({ id: MISSING_ID, data: { streams: 2 } }),
      songs.song.delete.mutate({ id: MISSING_ID }),
    ]) {
      const error = await failure(call);
      expect(error.data?.code).toBe('NOT_FOUND');
      expect(error.data?.httpStatus).toBe(404);
    }
  });

  it('validates forms with the re-exported schemas exactly as the server does', () => {
    const result = schemas.songCreateSchema.safeParse({
      name: '',
      artist: 'x',
      streams: -1,
      releasedOn: '2020-13-01',
    });
    expect(result.success).toBe(false);
    expect(Object.keys(result.error?.flatten().fieldErrors ?? {}).sort()).toEqual([
      'name',
      'releasedOn',
      'streams',
    ]);
    expect(schemas.songListInput.parse(undefined)).toEqual({ orderBy: ['createdAt'], limit: 50, offset: 0 });
  });
});
