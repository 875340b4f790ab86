/**
 * The input envelope, the batch cap and the error text a client reads, over real HTTP: what the
 * server does before any procedure runs (CONTRACT.md "Limits" and "Errors").
 */
import { connect } from 'node:net';
import superjson from 'superjson';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { screenJson } from '../../src/http/body-screen.js';
import { checkedSuperjson } from '../../src/http/envelope.js';
import { MAX_BATCH_SIZE, MAX_BODY_BYTES } from '../../src/http/limits.js';
import { startTestServer, type TestServer } from '../support/http.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server[Symbol.asyncDispose]());
beforeEach(() => server.database.script('DELETE FROM songs'));

interface ErrorBody {
  error: { json: { message: string; data: { code: string; httpStatus: number; stack?: string } } };
}
const get = (path: string, input: string) =>
  fetch(`${server.url}/trpc/${path}?input=${encodeURIComponent(input)}`);
// As a writer: mutations check the credential before they read their input.
const post = (path: string, body: string, contentType = 'application/json') =>
  fetch(`${server.url}/trpc/${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType, authorization: `Bearer ${server.writerKey}` },
    body,
  });

/** Sends `request` as written, over a socket (for what fetch never sends), and reads the whole answer. */
async function rawRequest(request: string): Promise<string> {
  const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
  // write, not end: a half-closed socket may be closed by the server before its answer is sent.
  socket.write(request);
  return (await socket.toArray()).join('');
}

async function rejected(response: Response): Promise<ErrorBody['error']['json']> {
  expect(response.status).toBe(400);
  const body = (await response.json()) as ErrorBody | ErrorBody[];
  const first = Array.isArray(body) ? body[0] : body;
  return (first as ErrorBody).error.json;
}

const song = { name: 'Glass Tides', artist: 'Nova Reyes', streams: 1, releasedOn: '2020-01-01' };

describe('the input envelope', () => {
  it('refuses meta.values that is a string (superjson would walk it until the stack overflows)', async () => {
    const error = await rejected(await get('song.list', '{"json":{},"meta":{"values":"x"}}'));
    expect(error.message).toBe('Invalid input envelope: meta.values must be an object');
  });

  it('refuses an annotation that is a string rather than ["Date"]', async () => {
    const error = await rejected(await get('song.list', '{"json":{"a":"b"},"meta":{"values":{"a":"x"}}}'));
    expect(error.message).toBe(
      'Invalid input envelope: meta.values at "a" must be ["Date"] or ["undefined"]',
    );
  });

  it('refuses an input without the envelope instead of ignoring it', async () => {
    const error = await rejected(await get('song.list', '{"orderBy":["-streams"],"limit":3}'));
    expect(error.message).toBe('Invalid input envelope: unexpected key "orderBy" (expected { json, meta? })');
  });

  it('refuses an envelope without json', async () => {
    const error = await rejected(await get('song.list', '{"meta":{}}'));
    expect(error.message).toBe('Invalid input envelope: "json" is missing (send { json: <input> })');
  });

  it.each([
    [
      'a class this API does not use',
      { json: { a: 1 }, meta: { values: { a: ['class', 'Foo'] } } },
      /must be \["Date"\]/,
    ],
    ['a path that is not in json', { json: {}, meta: { values: { releasedOn: ['Date'] } } }, /not in json/],
    [
      'a malformed referentialEqualities',
      { json: {}, meta: { referentialEqualities: { a: 'b' } } },
      /list of paths/,
    ],
    [
      'shared references other than Dates',
      { json: { a: {}, b: {} }, meta: { referentialEqualities: { a: ['b'] } } },
      /only link paths annotated as Dates/,
    ],
    [
      'a prototype path',
      { json: { a: 's' }, meta: { values: { __proto__x: ['Date'], 'a.__proto__': ['Date'] } } },
      /not in json|not allowed/,
    ],
    ['an unknown meta key', { json: {}, meta: { extra: 1 } }, /unexpected key "meta.extra"/],
    ['json nested too deep', { json: { a: [[[[[[[[[1]]]]]]]]] } }, /nested deeper/],
  ])('refuses %s with our own message', async (_, envelope, message) => {
    const error = await rejected(await post('song.create', JSON.stringify(envelope)));
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/identicalPaths|check https|superjson|Maximum call stack/);
    expect(await server.database.prisma.song.count()).toBe(0);
  });

  it('still accepts what the client sends: Dates, shared Dates and undefined', async () => {
    const day = new Date('2020-01-01T00:00:00.000Z');
    const input = superjson.serialize({ releasedOnGte: day, releasedOnLte: day, nameContains: undefined });
    expect(input.meta?.referentialEqualities).toBeDefined();
    const response = await get('song.list', JSON.stringify(input));
    expect(response.status).toBe(200);
    const created = await post(
      'song.create',
      JSON.stringify(superjson.serialize({ ...song, releasedOn: day })),
    );
    expect(created.status).toBe(200);
  });
});

describe('the body screen, before JSON.parse', () => {
  it('refuses a body nested too deep with one 400 in tRPC’s shape, naming the bound', async () => {
    const response = await post('song.create', `{"json":${'['.repeat(13)}${']'.repeat(13)}}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        json: {
          message: 'Invalid input: the input is nested deeper than 12 levels',
          code: -32600,
          data: { code: 'BAD_REQUEST', httpStatus: 400 },
        },
      },
    });
  });

  it('passes a POST with no body at all on to tRPC, which finds no JSON in it', async () => {
    // Neither Content-Length nor Transfer-Encoding: fetch always sends one of them.
    const answer = await rawRequest(
      `POST /trpc/song.create HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${server.writerKey}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n`,
    );
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(answer).toContain('"message":"The input is not valid JSON"');
  });

  it('reads no body of a GET: a query takes its input from the URL', async () => {
    const body = '['.repeat(100);
    const answer = await rawRequest(
      `GET /trpc/song.list?input=${encodeURIComponent('{"json":{}}')} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
  });

  it('passes an empty body on to tRPC, whose answer is the usual one', async () => {
    const error = await rejected(await post('song.create', ''));
    expect(error.message).toBe('The input is not valid JSON');
  });
});

describe('what a client reads of a rejected request', () => {
  it('says "not valid JSON" in our words, not V8\'s', async () => {
    const error = await rejected(await post('song.create', '{"json": '));
    expect(error.message).toBe('The input is not valid JSON');
  });

  it('names no field for a problem with the whole input', async () => {
    const error = await rejected(await get('song.list', '{"json":"x"}'));
    expect(error.message).toBe('Invalid input: expected object, received string');
  });

  it('asks for JSON when a body comes in another content type', async () => {
    const response = await post('song.create', '<a/>', 'text/xml');
    expect(response.status).toBe(415);
    const { error } = (await response.json()) as ErrorBody;
    expect(error.json.message).toBe('Send the input as application/json');
  });

  it.each([
    ['development', true],
    ['production', false],
    ['test', false],
  ])('with NODE_ENV=%s, a 4xx carries a stack: %s', async (mode, hasStack) => {
    vi.stubEnv('NODE_ENV', mode);
    try {
      const error = await rejected(
        await post('song.create', JSON.stringify({ json: { ...song, name: '' } })),
      );
      expect(error.data.stack !== undefined).toBe(hasStack);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('with NODE_ENV unset (npm start), no stack', async () => {
    vi.stubEnv('NODE_ENV', undefined);
    try {
      const body = await (await post('song.create', JSON.stringify({ json: { ...song, name: '' } }))).text();
      expect(body).not.toMatch(/stack|\.ts:|node_modules/);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it.each<[string, () => Promise<Response>, number]>([
    ['a query called with POST', () => post('song.list', '{"json":{}}'), 405],
    [
      'an unsupported content type',
      () =>
        fetch(`${server.url}/trpc/song.create`, {
          method: 'POST',
          headers: { 'content-type': 'text/xml' },
          body: '<a/>',
        }),
      415,
    ],
    ['an unknown path', () => fetch(`${server.url}/nope`, { method: 'DELETE' }), 404],
  ])('answers %s in JSON without library text', async (_, request, status) => {
    const response = await request();
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/json/);
    expect(await response.text()).not.toMatch(/<html|"stack"|node_modules|\s+at \S+ \(|text\/xml/i);
  });
});

describe('the batch cap', () => {
  it(`answers a batch of ${MAX_BATCH_SIZE} calls`, async () => {
    const paths = Array.from({ length: MAX_BATCH_SIZE }, () => 'song.list').join(',');
    const inputs = Object.fromEntries(Array.from({ length: MAX_BATCH_SIZE }, (_, i) => [i, { json: {} }]));
    const response = await fetch(
      `${server.url}/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(inputs))}`,
    );
    expect(response.status).toBe(200);
  });

  it(`refuses ${MAX_BATCH_SIZE + 1} calls with one 400 before any runs`, async () => {
    const paths = Array.from({ length: MAX_BATCH_SIZE + 1 }, () => 'song.create').join(',');
    const inputs = Object.fromEntries(
      Array.from({ length: MAX_BATCH_SIZE + 1 }, (_, i) => [i, { json: { ...song, name: `S${i}` } }]),
    );
    const response = await post(`${paths}?batch=1`, JSON.stringify(inputs));
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(`A batch may hold at most ${MAX_BATCH_SIZE} calls`);
    expect(await server.database.prisma.song.count()).toBe(0);
  });
});

// Stryker's vitest runner names its worker processes in this variable (docs/mutation.md).
const underMutationTesting = process.env.STRYKER_MUTATOR_WORKER !== undefined;

describe('the cost of the worst inputs', () => {
  const room = MAX_BODY_BYTES - 100;
  const worst: [string, string][] = [
    ['a string where a meta tree belongs', '{"json":{},"meta":{"values":"x"}}'],
    ['meta.values as a 1 MiB string', `{"json":{},"meta":{"values":"${'x'.repeat(room)}"}}`],
    [
      'meta.values with 80,000 paths',
      `{"json":{},"meta":{"values":{${Array.from({ length: 80_000 }, (_, i) => `"${i}":1`).join(',')}}}}`,
    ],
    ['one meta path of 1 MiB', `{"json":{},"meta":{"values":{"${'a.'.repeat(room / 2)}a":["Date"]}}}`],
    ['json nested 500,000 deep', `{"json":${'['.repeat(room / 2)}${']'.repeat(room / 2)}}`],
    ['json with 500,000 array items', `{"json":[${'0,'.repeat(room / 2)}0]}`],
    [
      'json with 80,000 keys',
      `{"json":{${Array.from({ length: 80_000 }, (_, i) => `"k${i}":0`).join(',')}}}`,
    ],
    [
      'a 1 MiB Date string',
      `{"json":{"releasedOn":"${'9'.repeat(room)}"},"meta":{"values":{"releasedOn":["Date"]}}}`,
    ],
    [
      '50 shared-reference paths',
      JSON.stringify({
        json: { a: 'x' },
        meta: { values: { a: ['Date'] }, referentialEqualities: { a: Array(60).fill('a') } },
      }),
    ],
  ];

  it.each(worst)('%s: rejected or read within a few ms of CPU', async (_, body) => {
    expect(body.length).toBeLessThanOrEqual(MAX_BODY_BYTES);
    // What the server does with a body before a procedure runs: screen, parse, check, deserialize.
    const read = () => {
      if (screenJson(body) !== null) return;
      try {
        checkedSuperjson.input.deserialize(JSON.parse(body));
      } catch {
        // rejected: the cost is what matters here
      }
    };
    const cpuMs = Array.from({ length: 5 }, () => {
      const start = process.cpuUsage();
      read();
      const used = process.cpuUsage(start);
      return (used.user + used.system) / 1000;
    });
    // CPU time, the least of five: other processes do not count in it, though a loaded machine
    // still inflates it several times. The costs this guards against are 100-350 ms. Under
    // Stryker (npm run test:mutation) every expression also counts its own hits, which multiplies
    // the cost of the screen's per-character loop, so the bound holds for the real code only.
    if (!underMutationTesting) expect(Math.min(...cpuMs)).toBeLessThan(25);
    const response = await post('song.create', body);
    expect(response.status).toBe(400);
    expect(await server.database.prisma.song.count()).toBe(0);
  });
});
