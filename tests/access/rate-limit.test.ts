/**
 * Rate limits: per client (each credential its own budget), reads and writes apart, each call of a
 * batch counted, the API only (never the health checks); 429 in tRPC's shape with Retry-After and
 * RateLimit-* headers; shared through Redis by several instances.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { connect, createServer as createTcpServer, type Socket } from 'node:net';
import { TRPCClientError } from '@trpc/client';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApiKey } from '../../src/access/api-keys.js';
import { songInput } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { getCall, postCall, trpcError } from './support.js';

const list = (server: TestServer, token?: string, extra = {}) =>
  getCall(server.url, 'song.list', {}, token, extra);

describe('in memory', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      env: { RATE_LIMIT_READ: '5', RATE_LIMIT_WRITE: '3', TRUST_PROXY: '1' },
    });
  });
  afterAll(() => server?.[Symbol.asyncDispose]());

  // Each test spends the budget of its own client (an X-Forwarded-For address, trusted here).
  const fromClient = () => ({ 'x-forwarded-for': `10.0.${randomBytes(1)[0]}.${randomBytes(1)[0]}` });

  it('answers the call over the budget with 429 TOO_MANY_REQUESTS, Retry-After and RateLimit-* headers', async () => {
    const client = fromClient();
    for (let i = 0; i < 5; i += 1) {
      const response = await list(server, undefined, client);
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-remaining')).toBe(String(4 - i));
    }
    const response = await list(server, undefined, client);
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(response.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(response.headers.get('ratelimit-limit')).toBe('5');
    expect(response.headers.get('ratelimit-remaining')).toBe('0');
    expect(response.headers.get('ratelimit-policy')).toBe('5;w=60');
    expect(await trpcError(response)).toMatchObject({ code: 'TOO_MANY_REQUESTS', httpStatus: 429 });
  });

  it('counts every call of a batch, and answers each call of a refused batch in tRPC’s shape', async () => {
    const client = fromClient();
    const batch = (size: number) => {
      const inputs = Object.fromEntries(Array.from({ length: size }, (_, i) => [i, { json: {} }]));
      const paths = Array(size).fill('song.list').join(',');
      return fetch(
        `${server.url}/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(inputs))}`,
        {
          headers: client,
        },
      );
    };
    expect((await batch(4)).status).toBe(200);
    const refused = await batch(2);
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { error: { json: { data: { code: string } } } }[];
    expect(body.map((entry) => entry.error.json.data.code)).toEqual([
      'TOO_MANY_REQUESTS',
      'TOO_MANY_REQUESTS',
    ]);
  });

  it('keeps reads and writes in separate budgets', async () => {
    const client = fromClient();
    for (let i = 0; i < 5; i += 1) await list(server, undefined, client);
    expect((await list(server, undefined, client)).status).toBe(429);
    const write = await postCall(server.url, 'song.create', songInput(), server.writerKey, client);
    expect(write.status).toBe(200);
  });

  it('gives each credential its own budget, whatever address it calls from', async () => {
    const client = fromClient();
    for (let i = 0; i < 5; i += 1) await list(server, undefined, client);
    expect((await list(server, undefined, client)).status).toBe(429);
    expect((await list(server, server.writerKey, client)).status).toBe(200);
  });

  it('reaches the typed client as a TRPCClientError with code TOO_MANY_REQUESTS', async () => {
    const reader = server.clientWith(server.writerKey);
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, () => reader.song.list.query({})));
    const refused = outcomes.find((outcome) => outcome.status === 'rejected');
    expect(refused?.status).toBe('rejected');
    const error = (refused as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).data).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      httpStatus: 429,
    });
  });

  /** A refused call's entry in tRPC's answer. */
  type Refusal = { error: { json: { message: string; code: number; data: { code: string; path: string } } } };
  const trpcPath = (paths: string[], query = '') =>
    `${server.url}/trpc/${paths.join(',')}${query ? `?${query}` : ''}`;

  it('says when the budget refills: RateLimit-Reset and Retry-After count down the 60 s window, and the 429 names its call', async () => {
    const client = fromClient();
    const first = await list(server, undefined, client);
    expect(Number(first.headers.get('ratelimit-reset'))).toBeGreaterThan(50);
    expect(Number(first.headers.get('ratelimit-reset'))).toBeLessThanOrEqual(60);
    for (let i = 0; i < 4; i += 1) await list(server, undefined, client);
    const refused = await list(server, undefined, client);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(50);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await refused.json()) as Refusal;
    expect(body.error.json).toMatchObject({
      message: `Too many requests: try again in ${retryAfter} s`,
      code: -32029,
      data: { code: 'TOO_MANY_REQUESTS', path: 'song.list' },
    });
  });

  it('answers a refused REST call with a problem that has only a detail', async () => {
    const client = fromClient();
    for (let i = 0; i < 5; i += 1) await fetch(`${server.url}/v1/songs`, { headers: client });
    const refused = await fetch(`${server.url}/v1/songs`, { headers: client });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({
      detail: `Too many requests: try again in ${refused.headers.get('retry-after')} s`,
    });
  });

  it('names each call of a refused batch by its path, up to the 20 calls a batch may hold', async () => {
    const refused = await fetch(trpcPath(Array(20).fill('song.list'), 'batch=1'), { headers: fromClient() });
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as Refusal[];
    expect(body.map((entry) => entry.error.json.data.path)).toEqual(Array(20).fill('song.list'));
  });

  it('answers a path naming more calls than a batch may hold with one error that names no path', async () => {
    const refused = await fetch(trpcPath(Array(21).fill('song.list'), 'batch=1'), { headers: fromClient() });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as Refusal).error.json.data).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      path: '',
    });
  });

  it('counts a request as one call unless it is a tRPC batch (batch=1), commas or not', async () => {
    const client = fromClient();
    const remaining = async (url: string) =>
      (await fetch(url, { headers: client })).headers.get('ratelimit-remaining');
    expect(await remaining(trpcPath(['song.list', 'song.list']))).toBe('4');
    expect(await remaining(`${server.url}/v1/songs/a,b?batch=1`)).toBe('3');
  });

  it('counts GET and HEAD against the read budget, POST against the write budget, and OPTIONS against none', async () => {
    const client = fromClient();
    const limit = async (method: string) =>
      (await fetch(`${server.url}/v1/songs`, { method, headers: client })).headers.get('ratelimit-limit');
    expect(await limit('GET')).toBe('5');
    expect(await limit('HEAD')).toBe('5');
    expect(await limit('POST')).toBe('3');
    expect(await limit('OPTIONS')).toBeNull();
  });
});

describe('with the default budgets', () => {
  it('lets a writer create 100 songs as five batches of 20', async () => {
    await using server = await startTestServer();
    for (let batch = 0; batch < 5; batch += 1) {
      await Promise.all(Array.from({ length: 20 }, () => server.writer.song.create.mutate(songInput())));
    }
    expect(await server.database.prisma.song.count()).toBe(100);
    expect(server.requests.length).toBe(5);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is set: a client cannot pick a fresh address', async () => {
    await using server = await startTestServer({ env: { RATE_LIMIT_READ: '2' } });
    await list(server, undefined, { 'x-forwarded-for': '10.1.1.1' });
    await list(server, undefined, { 'x-forwarded-for': '10.1.1.2' });
    expect((await list(server, undefined, { 'x-forwarded-for': '10.1.1.3' })).status).toBe(429);
  });

  it('turns a limit off with 0', async () => {
    await using server = await startTestServer({ env: { RATE_LIMIT_READ: '0' } });
    const statuses = await Promise.all(Array.from({ length: 30 }, () => list(server).then((r) => r.status)));
    expect(new Set(statuses)).toEqual(new Set([200]));
  });

  it('turns a limit off with 0 without counting or logging a failure', async () => {
    const logged = vi.spyOn(console, 'error');
    try {
      await using server = await startTestServer({ env: { RATE_LIMIT_READ: '0' } });
      const response = await list(server);
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-limit')).toBeNull();
      expect(logged).not.toHaveBeenCalledWith(
        expect.stringMatching(/Rate limiting failed/),
        expect.anything(),
      );
    } finally {
      logged.mockRestore();
    }
  });

  it('gives two API keys two budgets', async () => {
    await using server = await startTestServer({ env: { RATE_LIMIT_READ: '2' } });
    const { key: other } = await createApiKey(server.database.prisma, {
      name: 'other',
      scopes: ['songs:read'],
    });
    const status = (token: string) => list(server, token).then((r) => r.status);
    expect([
      await status(server.writerKey),
      await status(server.writerKey),
      await status(server.writerKey),
    ]).toEqual([200, 200, 429]);
    expect([await status(other), await status(other)]).toEqual([200, 200]);
  });

  it('never answers /healthz or /readyz with 429, however often they are polled', async () => {
    await using server = await startTestServer({ env: { RATE_LIMIT_READ: '1' } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      for (const path of ['/healthz', '/readyz']) statuses.push((await fetch(`${server.url}${path}`)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    // The API itself is limited on the same server.
    const api = [await fetch(`${server.url}/v1/songs`), await fetch(`${server.url}/v1/songs`)];
    expect(api.map((response) => response.status)).toEqual([200, 429]);
  });
});

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function redisAnswers(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000 });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}
const redisUp = await redisAnswers();
const NO_REDIS = `(skipped: no Redis answers at ${REDIS_URL}; set TEST_REDIS_URL)`;

describe('in Redis', () => {
  it.skipIf(!redisUp)(`shares one budget between two instances ${redisUp ? '' : NO_REDIS}`, async () => {
    // A prefix of this run's own, so that other runs and other services on this Redis stay apart.
    const env = {
      REDIS_URL,
      REDIS_KEY_PREFIX: `songs-test-${randomBytes(6).toString('hex')}`,
      RATE_LIMIT_READ: '4',
    };
    await using first = await startTestServer({ env });
    await using second = await startTestServer({ env });
    expect((await list(first)).status).toBe(200);
    expect((await list(second)).status).toBe(200);
    expect((await list(first)).status).toBe(200);
    expect((await list(second)).status).toBe(200);
    expect((await list(first)).status).toBe(429);
    expect((await list(second)).status).toBe(429);
  });

  it.skipIf(!redisUp)(
    `names its Redis connection after the key prefix, and ends it when the server closes ${redisUp ? '' : NO_REDIS}`,
    async () => {
      const prefix = `songs-test-${randomBytes(6).toString('hex')}`;
      const observer = new Redis(REDIS_URL);
      // CLIENT LIST: one line per connection, with ` name=<its name> ` among its fields.
      const connections = async () =>
        String(await observer.client('LIST'))
          .split('\n')
          .filter((line) => line.includes(` name=${prefix}:ratelimit `)).length;
      try {
        const server = await startTestServer({ env: { REDIS_URL, REDIS_KEY_PREFIX: prefix } });
        try {
          await vi.waitFor(async () => expect(await connections()).toBe(1));
        } finally {
          await server[Symbol.asyncDispose]();
        }
        await vi.waitFor(async () => expect(await connections()).toBe(0));
      } finally {
        observer.disconnect();
      }
    },
  );

  it.skipIf(!redisUp)(
    `keeps the read and write budgets under <prefix>:ratelimit:read: and :write: ${redisUp ? '' : NO_REDIS}`,
    async () => {
      const prefix = `songs-test-${randomBytes(6).toString('hex')}`;
      const observer = new Redis(REDIS_URL);
      try {
        await using server = await startTestServer({ env: { REDIS_URL, REDIS_KEY_PREFIX: prefix } });
        // Redis is used once the connection is ready; until then the memory limiter counts.
        await vi.waitFor(async () => {
          await list(server);
          await postCall(server.url, 'song.create', songInput(), server.writerKey);
          const keys = await observer.keys(`${prefix}:*`);
          expect(keys.some((key) => key.startsWith(`${prefix}:ratelimit:read:ip:`))).toBe(true);
          expect(keys.some((key) => key.startsWith(`${prefix}:ratelimit:write:api-key:`))).toBe(true);
        });
      } finally {
        observer.disconnect();
      }
    },
  );

  it.skipIf(!redisUp)(
    `logs one line when Redis goes away and one when it is back, once per outage ${redisUp ? '' : NO_REDIS}`,
    async () => {
      // A TCP proxy in front of Redis that the test turns off (it resets every connection) and on.
      const target = new URL(REDIS_URL);
      let up = true;
      let attempts = 0;
      const open = new Set<Socket>();
      const proxy = createTcpServer((client) => {
        attempts += 1;
        if (!up) {
          client.resetAndDestroy();
          return;
        }
        const upstream = connect(Number(target.port || 6379), target.hostname);
        open.add(client);
        client.pipe(upstream).pipe(client);
        const end = () => {
          open.delete(client);
          upstream.destroy();
          client.destroy();
        };
        client.on('error', end).on('close', end);
        upstream.on('error', end).on('close', end);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      const { port } = proxy.address() as AddressInfo;
      const goDown = () => {
        up = false;
        for (const socket of open) socket.resetAndDestroy();
      };
      const prefix = `songs-test-${randomBytes(6).toString('hex')}`;
      const observer = new Redis(REDIS_URL);
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const lines = (pattern: RegExp) =>
        warn.mock.calls.filter(([line]) => pattern.test(String(line))).length;
      const DOWN = /^Redis unavailable/;
      const BACK = /^Redis reachable again/;
      try {
        await using server = await startTestServer({
          env: { REDIS_URL: `redis://127.0.0.1:${port}`, REDIS_KEY_PREFIX: prefix },
        });
        // Reachable from the start (a budget is kept in Redis): nothing to say.
        await vi.waitFor(async () => {
          await list(server);
          expect(await observer.keys(`${prefix}:*`)).not.toEqual([]);
        });
        expect(warn).not.toHaveBeenCalled();

        goDown();
        const before = attempts;
        // Several reconnection attempts fail, and each is an error event; one line says so.
        await vi.waitFor(() => expect(attempts).toBeGreaterThanOrEqual(before + 3));
        expect([lines(DOWN), lines(BACK)]).toEqual([1, 0]);

        up = true;
        await vi.waitFor(() => expect(lines(BACK)).toBe(1), { timeout: 5000 });

        goDown();
        await vi.waitFor(() => expect(lines(DOWN)).toBe(2), { timeout: 5000 });
        expect(lines(BACK)).toBe(1);
      } finally {
        warn.mockRestore();
        observer.disconnect();
        up = true;
        proxy.close();
      }
    },
  );

  it('falls back to memory when Redis is down: limits still hold, and the log says so', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      // Port 1 refuses connections: Redis is "down" from the start.
      await using server = await startTestServer({
        env: { REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_READ: '2' },
      });
      expect((await list(server)).status).toBe(200);
      expect((await list(server)).status).toBe(200);
      expect((await list(server)).status).toBe(429);
      await vi.waitFor(() =>
        expect(warn).toHaveBeenCalledWith(
          expect.stringMatching(/Redis unavailable.*in this instance's memory/),
        ),
      );
    } finally {
      warn.mockRestore();
    }
  });
});
