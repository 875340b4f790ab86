/**
 * What access control adds to a read: the same Express app bare, behind each layer of src/access
 * alone (helmet + CORS, the rate limiter) and behind all of it, driven in-process with an API key,
 * and the credential check alone.
 *
 *   npm run bench:access
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import express from 'express';
import { createApiKey } from '../src/access/api-keys.js';
import { browserSecurity } from '../src/access/browser.js';
import { createAuthenticator } from '../src/access/credentials.js';
import { createAccess } from '../src/access/index.js';
import { createRateLimits } from '../src/access/rate-limit.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/index.js';
import { median, printTable } from './stats.js';

const ROUNDS = 10;
const REQUESTS_PER_ROUND = 2000;
const AUTH_CALLS = 200_000;

const db = await openDatabase('pglite:memory');
await db.migrate();
const { key } = await createApiKey(db.prisma, { name: 'bench', scopes: ['songs:write'] });
// Budgets high enough never to refuse: the cost of counting is what is measured.
const config = loadConfig({ DATABASE_URL: 'pglite:memory', RATE_LIMIT_READ: '100000000' });

type Layer = 'bare' | 'helmet + CORS' | 'rate limit' | 'all of src/access';
const LAYERS: Layer[] = ['bare', 'helmet + CORS', 'rate limit', 'all of src/access'];

/**
 * A read that does no work of its own, behind one layer of the access path, so that the difference
 * from `bare` is that layer's cost alone. `rate limit` takes its client key from the cached
 * credential check, as the whole path does.
 */
function app(layer: Layer) {
  const application = express();
  const access = createAccess(db.prisma, config);
  const check = createAuthenticator(db.prisma, null);
  const rateLimits = createRateLimits(
    config,
    async (req) => `api-key:${(await check(req.headers.authorization))?.subject}`,
  );
  if (layer === 'helmet + CORS') application.use(browserSecurity(config));
  if (layer === 'rate limit') application.use(['/trpc', '/v1'], rateLimits.middleware);
  if (layer === 'all of src/access') application.use(access.middleware);
  application.get('/trpc/song.byId', async (req, res) => {
    if (layer === 'all of src/access') await access.createRequestContext(req);
    res.json({ ok: true });
  });
  return {
    application,
    close: async () => {
      await access.close();
      await rateLimits.close();
    },
  };
}

/**
 * Mean time of one request through `handler`, in-process: real Node request and response objects,
 * no socket, so that the figure is the app's own work and not the network's or the scheduler's.
 */
async function perRequestMs(handler: express.Express, requests: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < requests; i += 1) {
    const req = new IncomingMessage(new Socket());
    req.method = 'GET';
    req.url = '/trpc/song.byId?input=%7B%7D';
    req.headers = { authorization: `Bearer ${key}`, host: 'localhost' };
    const res = new ServerResponse(req);
    const done = new Promise<void>((resolve) => {
      res.end = ((..._args: unknown[]) => {
        resolve();
        return res;
      }) as typeof res.end;
    });
    handler(req as express.Request, res as express.Response);
    await done;
  }
  return (performance.now() - started) / requests;
}

const apps = LAYERS.map(app);
for (const { application } of apps) await perRequestMs(application, 2000); // warm up (JIT, caches)
const samples: number[][] = LAYERS.map(() => []);
for (let round = 0; round < ROUNDS; round += 1) {
  // The order alternates each round, so that drift on a shared machine falls on every layer alike.
  const order = round % 2 === 0 ? [...apps.keys()] : [...apps.keys()].reverse();
  for (const index of order) {
    samples[index]?.push(await perRequestMs(apps[index]?.application as express.Express, REQUESTS_PER_ROUND));
  }
}
const medians = samples.map(median);
const bareMs = medians[0] ?? Number.NaN;

const authenticate = createAuthenticator(db.prisma, null);
const header = `Bearer ${key}`;
await authenticate(header);
const started = performance.now();
for (let i = 0; i < AUTH_CALLS; i += 1) await authenticate(header);
const authMs = (performance.now() - started) / AUTH_CALLS;

const us = (value: number) => `${(value * 1000).toFixed(1)} µs`;
printTable(
  `A read with an API key, in-process (median of ${ROUNDS} rounds of ${REQUESTS_PER_ROUND} requests)`,
  LAYERS.map((layer, index) => ({
    app: layer,
    'per request': us(medians[index] ?? Number.NaN),
    'added to bare': index === 0 ? '' : us((medians[index] ?? Number.NaN) - bareMs),
  })),
);
printTable('The credential check alone, in-process (cached key)', [{ 'per call': us(authMs) }]);

for (const { close } of apps) await close();
await db.close();
