/**
 * Property-based fuzz over real HTTP: hostile inputs for every procedure (wrong types, huge and
 * deep values, bad envelopes, batches, unicode edge cases, extreme numbers and dates, forged
 * cursors). Properties: never a 5xx, every response within a time budget, and a rejected call
 * writes nothing. Seeded and bounded; `npm run fuzz` runs many more cases (FUZZ_RUNS).
 */
import fc from 'fast-check';
import superjson from 'superjson';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { songInput } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/http.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
/** Generous for a busy CI machine: a hang or a pathological input takes far longer. */
const RESPONSE_BUDGET_MS = 3000;
/** Every fuzz request carries a write key, so that mutations reach their input checks. */
const fuzzHeaders = (): Record<string, string> => ({ authorization: `Bearer ${server.writerKey}` });

let server: TestServer;
let existingId: string;
beforeAll(async () => {
  server = await startTestServer();
  existingId = (await server.writer.song.create.mutate(songInput({ name: 'Fuzz seed', artist: 'Fuzzer' })))
    .id;
});
afterAll(() => server[Symbol.asyncDispose]());

/** The whole table in one string: any write changes it. */
async function snapshot(): Promise<string> {
  const [row] = await server.database.script<{ h: string | null }>(
    `SELECT md5(string_agg(id::text || name || artist || streams::text || released_on::text || updated_at::text, ',' ORDER BY id)) AS h FROM songs`,
  );
  return row?.h ?? '';
}

const MUTATIONS = ['song.create', 'song.update', 'song.delete'] as const;
const QUERIES = ['song.byId', 'song.list', 'song.infinite'] as const;

const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'ls \ud800',
    '\udbff',
    '\ufeff',
    'a'.repeat(201),
    '𝄞'.repeat(150),
    '%00',
    "'; DROP TABLE songs; --",
  ),
);
const hostileNumber = fc.oneof(
  fc.double(),
  fc.constantFrom(1.7976931348623157e308, -1.7976931348623157e308, 1e15, 1e15 + 1, -0, 5e-324, 2 ** 53, -1),
  fc.integer(),
);
const hostileDate = fc.oneof(
  fc.date(),
  fc.constantFrom(new Date(8.64e15), new Date(-8.64e15), new Date(Number.NaN)),
  fc.constantFrom('0000-01-01', '9999-12-31', '2023-02-30', '+275760-09-13', '2020-01-01T00:00:00Z', ''),
);
const forgedCursor = fc.oneof(
  fc.base64String({ maxLength: 80 }),
  fc
    .record({
      v: fc.anything({ maxDepth: 2 }),
      k: fc.array(fc.oneof(hostileString, hostileNumber, fc.constant('0000-01-01T00:00:00.000Z')), {
        maxLength: 4,
      }),
    })
    .map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
);
const hostileValue = fc.oneof(
  hostileString,
  hostileNumber,
  hostileDate,
  fc.anything({ maxDepth: 3 }),
  fc.constant(null),
);

/** An input shaped like the real ones, with hostile values in the fields. */
const shapedInput = fc.record(
  {
    id: fc.oneof(fc.uuid(), fc.constant(existingIdPlaceholder()), hostileString),
    name: hostileValue,
    artist: hostileValue,
    streams: hostileValue,
    releasedOn: hostileValue,
    data: fc.record(
      { name: hostileValue, streams: hostileValue, releasedOn: hostileValue },
      { requiredKeys: [] },
    ),
    streamsGte: hostileNumber,
    streamsLte: hostileNumber,
    releasedOnGte: hostileDate,
    nameContains: hostileString,
    orderBy: fc.oneof(fc.array(hostileString, { maxLength: 8 }), hostileValue),
    limit: hostileNumber,
    offset: hostileNumber,
    cursor: forgedCursor,
  },
  { requiredKeys: [] },
);

/** Resolved when the request is built: arbitraries are defined before the seed song exists. */
function existingIdPlaceholder(): string {
  return '{{existing}}';
}

/** The body of one call: an envelope (well formed or not) around an input. */
const envelope = fc.oneof(
  shapedInput.map((input) => JSON.stringify(superjson.serialize(input))),
  shapedInput.map((input) => JSON.stringify(input)), // no envelope at all
  fc
    .tuple(shapedInput, fc.anything({ maxDepth: 3 }))
    .map(([input, meta]) => JSON.stringify({ json: input, meta })),
  fc.anything({ maxDepth: 4 }).map((value) => JSON.stringify({ json: value })),
  fc.constantFrom(
    '{"json":',
    '[]',
    'null',
    '{"json":{},"meta":{"values":"x"}}',
    `{"json":${'['.repeat(5000)}${']'.repeat(5000)}}`,
  ),
);

const call = fc.record({
  procedure: fc.constantFrom(...MUTATIONS, ...QUERIES),
  batch: fc.integer({ min: 0, max: 25 }),
  body: envelope,
});

function send({
  procedure,
  batch,
  body,
}: {
  procedure: string;
  batch: number;
  body: string;
}): Promise<Response> {
  const input = body.replaceAll('{{existing}}', existingId);
  const mutation = (MUTATIONS as readonly string[]).includes(procedure);
  const paths = batch === 0 ? procedure : Array.from({ length: batch }, () => procedure).join(',');
  const payload =
    batch === 0 ? input : `{${Array.from({ length: batch }, (_, i) => `"${i}":${input}`).join(',')}}`;
  const query = batch === 0 ? '' : 'batch=1&';
  if (mutation) {
    return fetch(`${server.url}/trpc/${paths}?${query}`, {
      method: 'POST',
      headers: { ...fuzzHeaders(), 'content-type': 'application/json' },
      body: payload,
    });
  }
  return fetch(`${server.url}/trpc/${paths}?${query}input=${encodeURIComponent(payload)}`, {
    headers: fuzzHeaders(),
  });
}

it('never answers a hostile call with a 5xx, answers within budget, and writes nothing when it rejects', async () => {
  await fc.assert(
    fc.asyncProperty(call, async (request) => {
      const before = await snapshot();
      const started = Date.now();
      const response = await send(request);
      const text = await response.text();
      expect(Date.now() - started).toBeLessThan(RESPONSE_BUDGET_MS);
      expect(response.status, text).toBeLessThan(500);
      if (response.status >= 400) expect(await snapshot()).toBe(before);
      expect(text).not.toMatch(/prisma|node_modules|Maximum call stack|superjson/i);
    }),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
});
