/** The /v1 songs resource over HTTP: each endpoint, its answers and its errors, in FastAPI's shapes. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/app.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { expectValidationError, type RestResponse, rest, restSongBody } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server[Symbol.asyncDispose]());
beforeEach(() => server.database.script('DELETE FROM songs'));

/** As a writer: every call carries the test server's write key unless `init.headers` replaces it. */
const call = (path: string, init: Parameters<typeof rest>[2] = {}) =>
  rest(server.url, path, {
    ...init,
    headers: { authorization: `Bearer ${server.writerKey}`, ...init.headers },
  });
const songCount = () => server.database.prisma.song.count();
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

async function created(overrides: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const response = await call('/v1/songs', { method: 'POST', json: restSongBody(overrides) });
  expect(response.status).toBe(201);
  return response.body as Record<string, unknown>;
}

/** The request fails with `status` and leaves the table as it was. */
async function expectNothingWritten(request: Promise<RestResponse>, status: number): Promise<RestResponse> {
  const before = await server.database.script<unknown>('SELECT * FROM songs ORDER BY id');
  const response = await request;
  expect(response.status).toBe(status);
  expect(await server.database.script<unknown>('SELECT * FROM songs ORDER BY id')).toEqual(before);
  return response;
}

describe('access', () => {
  it('answers a write without a credential with 401 and WWW-Authenticate, and writes nothing', async () => {
    const response = await expectNothingWritten(
      rest(server.url, '/v1/songs', { method: 'POST', json: restSongBody() }),
      401,
    );
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });
});

describe('GET /ping', () => {
  it('answers {"ping": "pong!"}', async () => {
    expect(await call('/ping')).toMatchObject({ status: 200, body: { ping: 'pong!' } });
  });
});

describe('POST /v1/songs', () => {
  it('creates a song and answers 201 with every field in snake_case', async () => {
    const response = await call('/v1/songs', { method: 'POST', json: restSongBody() });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Levitating',
      artist: 'Dua Lipa',
      streams: 2.1,
      released_on: '2020-03-27',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(await songCount()).toBe(1);
  });

  it('ignores fields it does not know, as pydantic does (a song read back can be sent again)', async () => {
    const body = await created({ id: UNKNOWN_ID, created_at: '2000-01-01T00:00:00Z', extra: true });
    expect(body.id).not.toBe(UNKNOWN_ID);
    expect(body.created_at).not.toBe('2000-01-01T00:00:00Z');
  });

  it('answers a duplicate (name, artist) with 409 and a detail, not the database text', async () => {
    await created();
    const response = await expectNothingWritten(
      call('/v1/songs', { method: 'POST', json: restSongBody({ streams: 9 }) }),
      409,
    );
    expect(response.body).toEqual({ detail: 'A song with this name and artist already exists' });
  });

  it('answers invalid fields with one 422 entry per field, located in the body by its REST name', async () => {
    const response = await expectNothingWritten(
      call('/v1/songs', {
        method: 'POST',
        json: { name: '  ', streams: -1, released_on: '2023-02-30' },
      }),
      422,
    );
    expect(response.body).toEqual({
      detail: [
        { loc: ['body', 'name'], msg: 'name must not be empty', type: 'string_too_short' },
        { loc: ['body', 'artist'], msg: 'artist must be a string', type: 'missing' },
        { loc: ['body', 'streams'], msg: 'streams must not be negative', type: 'greater_than_equal' },
        {
          loc: ['body', 'released_on'],
          msg: 'released_on must be a real calendar date written "YYYY-MM-DD"',
          type: 'value_error',
        },
      ],
    });
  });

  /** For a problem with the body as a whole: its text and pydantic type, checked word for word. */
  type BodyProblem = [msg: string, type: string];
  it.each<[string, Parameters<typeof call>[1], (string | number)[][], BodyProblem?]>([
    ['a wrongly typed field', { json: restSongBody({ streams: '12' }) }, [['body', 'streams']]],
    ['a NUL character', { json: restSongBody({ artist: 'a\u0000b' }) }, [['body', 'artist']]],
    [
      'a body that is not JSON',
      { body: '{"name":', headers: { 'content-type': 'application/json' } },
      [['body']],
      ['The body is not valid JSON', 'json_invalid'],
    ],
    ['no body at all', {}, [['body']], ['A JSON request body is required', 'missing']],
    [
      'a form body',
      { body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
      [['body']],
    ],
    ['a JSON array', { json: [restSongBody()] }, [['body']]],
    ['JSON null', { body: 'null', headers: { 'content-type': 'application/json' } }, [['body']]],
  ])('answers %s with 422 and writes nothing', async (_case, init, locs, problem) => {
    const response = await expectNothingWritten(call('/v1/songs', { method: 'POST', ...init }), 422);
    expectValidationError(response, locs);
    if (problem)
      expect(response.body).toEqual({ detail: [{ loc: ['body'], msg: problem[0], type: problem[1] }] });
  });

  it('answers a body over the size limit with 413', async () => {
    const huge = JSON.stringify(restSongBody({ name: 'x'.repeat(MAX_BODY_BYTES) }));
    const response = await expectNothingWritten(
      call('/v1/songs', { method: 'POST', body: huge, headers: { 'content-type': 'application/json' } }),
      413,
    );
    expect(response.body).toEqual({ detail: 'Request body too large' });
  });

  it('reads a body up to the size limit, however much of it it ignores', async () => {
    const padding = 'x'.repeat(MAX_BODY_BYTES - 1000);
    const response = await call('/v1/songs', { method: 'POST', json: restSongBody({ padding }) });
    expect(response.status).toBe(201);
    expect(response.body).not.toHaveProperty('padding');
  });

  it.each([
    ['a compressed body that does not decompress', 400, { 'content-encoding': 'gzip' }],
    ['a body in a charset it cannot read', 415, { 'content-type': 'application/json; charset=latin1' }],
  ])('answers %s with %i, in its own words', async (_case, status, headers) => {
    const response = await expectNothingWritten(
      call('/v1/songs', {
        method: 'POST',
        body: JSON.stringify(restSongBody()),
        headers: { 'content-type': 'application/json', ...headers },
      }),
      status,
    );
    expect(response.body).toEqual({ detail: 'Bad request' });
  });
});

describe('the type of each problem, named as pydantic names it', () => {
  const detail = (loc: string[], msg: string, type: string) => ({ detail: [{ loc, msg, type }] });
  const post = (overrides: Record<string, unknown>) =>
    call('/v1/songs', { method: 'POST', json: restSongBody(overrides) });

  it.each<[string, () => Promise<RestResponse>, ReturnType<typeof detail>]>([
    [
      'a string too long',
      () => post({ name: 'x'.repeat(201) }),
      detail(['body', 'name'], 'name must be at most 200 characters', 'string_too_long'),
    ],
    [
      'a string where a number belongs',
      () => post({ streams: '12' }),
      detail(['body', 'streams'], 'streams must be a finite number', 'number_type'),
    ],
    [
      'null where a string belongs',
      () => post({ name: null }),
      detail(['body', 'name'], 'name must be a string', 'string_type'),
    ],
    [
      'a number over its maximum',
      () => post({ streams: 2e15 }),
      detail(['body', 'streams'], 'streams must be at most 1e15', 'less_than_equal'),
    ],
    [
      'a query limit over its maximum',
      () => call('/v1/songs?limit=101'),
      detail(['query', 'limit'], 'limit must be at most 100', 'less_than_equal'),
    ],
    [
      'a query limit that is not an integer',
      () => call('/v1/songs?limit=1.5'),
      detail(['query', 'limit'], 'limit must be an integer', 'int_parsing'),
    ],
    [
      'a path id that is not a UUID',
      () => call('/v1/songs/abc'),
      detail(['path', 'id'], 'id must be a UUID', 'string_pattern_mismatch'),
    ],
    [
      'a JSON array',
      () => call(`/v1/songs/${UNKNOWN_ID}`, { method: 'PATCH', json: [restSongBody()] }),
      detail(['body'], 'The request body must be a JSON object', 'model_attributes_type'),
    ],
  ])('%s', async (_, request, body) => {
    const response = await request();
    expect(response.status).toBe(422);
    expect(response.body).toEqual(body);
  });
});

describe('GET /v1/songs/{id}', () => {
  it('answers the song without created_at, as the original did', async () => {
    const song = await created();
    const response = await call(`/v1/songs/${song.id}`);
    expect(response).toMatchObject({ status: 200 });
    expect(response.body).toEqual({
      id: song.id,
      name: 'Levitating',
      artist: 'Dua Lipa',
      streams: 2.1,
      released_on: '2020-03-27',
    });
  });

  it('answers an unknown id with 404 {"detail": "Item not found"}', async () => {
    expect(await call(`/v1/songs/${UNKNOWN_ID}`)).toMatchObject({
      status: 404,
      body: { detail: 'Item not found' },
    });
  });

  it('answers an id that is not a UUID with 422 located at the path', async () => {
    expectValidationError(await call('/v1/songs/42'), [['path', 'id']]);
  });
});

describe('PATCH /v1/songs/{id}', () => {
  it('changes only the given fields and answers the updated song', async () => {
    const song = await created();
    const response = await call(`/v1/songs/${song.id}`, {
      method: 'PATCH',
      json: { streams: 3.5, released_on: '2020-03-28' },
    });
    expect(response).toMatchObject({ status: 200 });
    expect(response.body).toEqual({ ...song, streams: 3.5, released_on: '2020-03-28' });
  });

  it('answers an unknown id with 404 and a duplicate pair with 409', async () => {
    const song = await created();
    await created({ name: 'Physical' });
    const patch = (id: unknown) => call(`/v1/songs/${id}`, { method: 'PATCH', json: { name: 'Physical' } });
    expect(await patch(UNKNOWN_ID)).toMatchObject({ status: 404, body: { detail: 'Item not found' } });
    const response = await expectNothingWritten(patch(song.id), 409);
    expect(response.body).toEqual({ detail: 'A song with this name and artist already exists' });
  });

  it.each([
    ['an empty patch', { json: {} }, [['body']]],
    ['only unknown fields', { json: { title: 'x' } }, [['body']]],
    ['an invalid field', { json: { released_on: '2020-13-01' } }, [['body', 'released_on']]],
    ['a body that is not JSON', { body: 'x', headers: { 'content-type': 'application/json' } }, [['body']]],
  ])('answers %s with 422 and writes nothing', async (_case, init, locs) => {
    const song = await created();
    const response = await expectNothingWritten(
      call(`/v1/songs/${song.id}`, { method: 'PATCH', ...init }),
      422,
    );
    expectValidationError(response, locs);
  });

  it('answers an id that is not a UUID with 422 located at the path', async () => {
    const response = await call('/v1/songs/not-a-uuid', { method: 'PATCH', json: { name: 'x' } });
    expectValidationError(response, [['path', 'id']]);
  });
});

describe('DELETE /v1/songs/{id}', () => {
  it('deletes the song and answers 204 with no body', async () => {
    const song = await created();
    const response = await call(`/v1/songs/${song.id}`, { method: 'DELETE' });
    expect(response).toMatchObject({ status: 204, body: null });
    expect(await songCount()).toBe(0);
    expect(await call(`/v1/songs/${song.id}`)).toMatchObject({ status: 404 });
  });

  it('answers an unknown id with 404 and a malformed one with 422', async () => {
    await created();
    expect(
      await expectNothingWritten(call(`/v1/songs/${UNKNOWN_ID}`, { method: 'DELETE' }), 404),
    ).toMatchObject({
      body: { detail: 'Item not found' },
    });
    expectValidationError(await call('/v1/songs/1', { method: 'DELETE' }), [['path', 'id']]);
  });
});

describe('paths and methods the API does not have', () => {
  it('answers another method on a songs path with 405, as FastAPI does', async () => {
    expect(await call('/v1/songs', { method: 'PUT', json: {} })).toMatchObject({
      status: 405,
      body: { detail: 'Method Not Allowed' },
    });
    expect(await call(`/v1/songs/${UNKNOWN_ID}`, { method: 'POST', json: {} })).toMatchObject({
      status: 405,
    });
  });

  it('answers an unknown path under /v1 with 404 {"detail": "Not Found"}', async () => {
    expect(await call('/v1/artists')).toMatchObject({ status: 404, body: { detail: 'Not Found' } });
  });
});
