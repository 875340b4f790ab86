/**
 * What access control adds to a read: the same Express app with and without src/access in front
 * (helmet, CORS, the credential check and the rate limiter), driven in-process with an API key, and
 * the credential check alone.
 *
 *   npm run bench:access
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import express from 'express';
import { createApiKey } from '../src/access/api-keys.js';
import { createAuthenticator } from '../src/access/credentials.js';
import { createAccess } from '../src/access/index.js';
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

/** A read that does no work of its own, so that the difference is the access path alone. */
function app(withAccess: boolean) {
  const application = express();
  const access = createAccess(db.prisma, config);
  if (withAccess) application.use(access.middleware);
  application.get('/trpc/song.byId', async (req, res) => {
    if (withAccess) await access.createRequestContext(req);
    res.json({ ok: true });
  });
  return { application, close: () => access.close() };
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

const bare = app(false);
const guarded = app(true);
await perRequestMs(bare.application, 2000); // warm up both (JIT, the credential cache)
await perRequestMs(guarded.application, 2000);
const without: number[] = [];
const withAccess: number[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  without.push(await perRequestMs(bare.application, REQUESTS_PER_ROUND));
  withAccess.push(await perRequestMs(guarded.application, REQUESTS_PER_ROUND));
}

const authenticate = createAuthenticator(db.prisma, null);
const header = `Bearer ${key}`;
await authenticate(header);
const started = performance.now();
for (let i = 0; i < AUTH_CALLS; i += 1) await authenticate(header);
const authMs = (performance.now() - started) / AUTH_CALLS;

const us = (value: number) => `${(value * 1000).toFixed(1)} µs`;
printTable(
  `A read with an API key, in-process (median of ${ROUNDS} rounds of ${REQUESTS_PER_ROUND} requests)`,
  [
    { app: 'without src/access', 'per request': us(median(without)) },
    { app: 'with src/access (helmet, CORS, key check, rate limit)', 'per request': us(median(withAccess)) },
    { app: 'added by access', 'per request': us(median(withAccess) - median(without)) },
  ],
);
printTable('The credential check alone, in-process (cached key)', [{ 'per call': us(authMs) }]);

await bare.close();
await guarded.close();
await db.close();
