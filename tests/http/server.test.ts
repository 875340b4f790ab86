/**
 * The HTTP surface through a real server and a typed client: what createCaller cannot show
 * (the error formatter, status codes, superjson on the wire, probes, body limits).
 */
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppRouter } from '../../src/router.js';
import { songInput } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/http.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server[Symbol.asyncDispose]());
beforeEach(() => server.database.script('DELETE FROM songs'));

async function clientError(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<AppRouter>;
}

describe('song procedures over HTTP', () => {
  it('returns releasedOn as "YYYY-MM-DD" and the timestamps as Date objects (superjson)', async () => {
    const created = await server.writer.song.create.mutate(songInput({ releasedOn: '2019-11-29' }));
    const fetched = await server.client.song.byId.query({ id: created.id });
    expect(fetched.releasedOn).toBe('2019-11-29');
    expect(fetched.createdAt).toBeInstanceOf(Date);
  });

  it('reports a validation error as BAD_REQUEST (400) with zod field errors naming the field', async () => {
    const error = await clientError(server.writer.song.create.mutate(songInput({ name: '   ' })));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.httpStatus).toBe(400);
    expect(error.data?.zodError?.fieldErrors.name).toEqual(['name must not be empty']);
    expect(error.message).toContain('name');
  });

  it('carries cursor errors as zod field errors too', async () => {
    const error = await clientError(server.client.song.infinite.query({ cursor: 'not-a-cursor' }));
    expect(error.data?.code).toBe('BAD_REQUEST');
    expect(error.data?.zodError?.fieldErrors.cursor).toEqual(['cursor is malformed']);
  });

  it('reports a missing song as NOT_FOUND (404) without zod errors', async () => {
    const error = await clientError(
      server.client.song.byId.query({ id: '00000000-0000-4000-8000-000000000000' }),
    );
    expect(error.data?.code).toBe('NOT_FOUND');
    expect(error.data?.httpStatus).toBe(404);
    expect(error.data?.zodError).toBeNull();
  });

  it('reports a duplicate (name, artist) as CONFLICT (409)', async () => {
    const song = songInput();
    await server.writer.song.create.mutate(song);
    const error = await clientError(server.writer.song.create.mutate(song));
    expect(error.data?.code).toBe('CONFLICT');
    expect(error.data?.httpStatus).toBe(409);
    expect(error.message).toBe('A song with this name and artist already exists');
  });

  it("accepts the forward direction that tRPC's useInfiniteQuery adds to every page's input", async () => {
    await server.writer.song.create.mutate(songInput());
    const page = await server.client.song.infinite.query({ cursor: null, direction: 'forward', limit: 1 });
    expect(page.items).toHaveLength(1);
    const error = await clientError(
      // @ts-expect-error pages only go forward, and the input type says so
      server.client.song.infinite.query({ cursor: null, direction: 'backward' }),
    );
    expect(error.data?.zodError?.fieldErrors.direction).toEqual(['direction must be "forward"']);
  });

  it('sends concurrent calls as one batched HTTP request', async () => {
    const before = server.requests.length;
    await Promise.all([
      server.client.song.list.query({ limit: 1 }),
      server.client.song.list.query({ limit: 2 }),
      server.client.song.infinite.query({}),
    ]);
    expect(server.requests.length - before).toBe(1);
  });
});

describe('nothing a client sends causes a 500', () => {
  const post = (path: string, body: string, contentType = 'application/json') =>
    fetch(`${server.url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType, authorization: `Bearer ${server.writerKey}` },
      body,
    });
  const query = (path: string, input: unknown) =>
    fetch(`${server.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
  const song = { name: 'Glass Tides', artist: 'Nova Reyes', streams: 1, releasedOn: '2020-01-01' };
  const asDate = (releasedOn: string) =>
    JSON.stringify({ json: { ...song, releasedOn }, meta: { values: { releasedOn: ['Date'] } } });

  it.each<[string, () => Promise<Response>]>([
    ['superjson meta that is not an object', () => post('song.create', '{"json":{},"meta":"x"}')],
    ['a Date in the year 275760', () => post('song.create', asDate('+275760-09-13T00:00:00.000Z'))],
    ['a Date before year 1', () => post('song.create', asDate('-000100-01-01T00:00:00.000Z'))],
    [
      'a NUL character in a name',
      () => post('song.create', JSON.stringify({ json: { ...song, name: 'a\u0000' } })),
    ],
    ['a NUL character in a filter', () => query('song.list', { nameContains: '\u0000' })],
    ['a NUL character in an exact filter', () => query('song.infinite', { artist: 'x\u0000' })],
    ['JSON nested 5000 deep', () => post('song.create', `{"json":${'['.repeat(5000)}${']'.repeat(5000)}}`)],
    ['a body that is not JSON', () => post('song.create', 'hello', 'text/plain')],
    ['a mutation called with GET', () => fetch(`${server.url}/trpc/song.create`)],
    ['an unknown procedure', () => query('song.nope', {})],
  ])('%s', async (_, request) => {
    const response = await request();
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(await server.database.prisma.song.count()).toBe(0);
  });
});

describe('HTTP endpoints', () => {
  it('answers /healthz with 200', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
  });

  it('answers /readyz with 200 while the database answers', async () => {
    const response = await fetch(`${server.url}/readyz`);
    expect(response.status).toBe(200);
  });

  it('says when to retry only when the database is out: a 404 has no Retry-After', async () => {
    const response = await fetch(`${server.url}/trpc/song.nope?input=${encodeURIComponent('{"json":{}}')}`);
    expect(response.status).toBe(404);
    expect(response.headers.get('retry-after')).toBeNull();
  });

  it('answers an unknown path with a JSON 404', async () => {
    const response = await fetch(`${server.url}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'Not found' });
  });

  it('rejects a body over the limit with 413, not a 500', async () => {
    const response = await fetch(`${server.url}/trpc/song.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.writerKey}` },
      body: JSON.stringify({ json: { name: 'x'.repeat(2 * 1024 * 1024) } }),
    });
    expect(response.status).toBe(413);
    expect(await server.database.prisma.song.count()).toBe(0);
  });

  it('rejects malformed JSON with a 400, not a 500', async () => {
    const response = await fetch(`${server.url}/trpc/song.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${server.writerKey}` },
      body: '{"json": ',
    });
    expect(response.status).toBe(400);
  });
});

describe('when the database stops answering', () => {
  it('answers /readyz with 503 while /healthz stays 200', async () => {
    await using own = await startTestServer();
    await own.database.cutOff();
    expect((await fetch(`${own.url}/readyz`)).status).toBe(503);
    expect((await fetch(`${own.url}/healthz`)).status).toBe(200);
  });

  it('says when to retry in a batch where one call meets the outage and another fails otherwise', async () => {
    await using own = await startTestServer();
    await own.database.cutOff();
    const input = encodeURIComponent(JSON.stringify({ 0: { json: {} }, 1: { json: {} } }));
    const response = await fetch(`${own.url}/trpc/song.list,song.nope?batch=1&input=${input}`);
    const codes = ((await response.json()) as { error: { json: { data: { code: string } } } }[]).map(
      (call) => call.error.json.data.code,
    );
    expect(codes).toEqual(['SERVICE_UNAVAILABLE', 'NOT_FOUND']);
    expect(response.headers.get('retry-after')).toBe('1');
  });

  it('answers calls with 503 and Retry-After, in our words, with no driver text or stack', async () => {
    await using own = await startTestServer();
    await own.database.cutOff();
    vi.stubEnv('NODE_ENV', 'production');
    try {
      const response = await fetch(`${own.url}/trpc/song.list?input=${encodeURIComponent('{"json":{}}')}`);
      const body = await response.text();
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      const { error } = JSON.parse(body) as { error: { json: { message: string; data: object } } };
      expect(error.json.message).toBe('The database is unavailable or busy; retry shortly');
      expect(error.json.data).not.toHaveProperty('stack');
      expect(body).not.toMatch(/prisma|select|songs|pglite|closed|\.ts:/i);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
