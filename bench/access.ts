/**
 * What access control adds to a read: the same Express app with and without src/access in front
 * (helmet, CORS, the credential check and the rate limiter), called over HTTP with an API key, and
 * the credential check alone, in-process.
 *
 *   npm run bench:access
 */

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createApiKey } from '../src/access/api-keys.js';
import { createAuthenticator } from '../src/access/credentials.js';
import { createAccess } from '../src/access/index.js';
import { loadConfig } from '../src/config.js';
import { createPGlite, databaseFromPGlite } from '../src/db/index.js';
import { median, printTable } from './stats.js';

const ROUNDS = 10;
const REQUESTS_PER_ROUND = 500;
const AUTH_CALLS = 200_000;

const db = databaseFromPGlite(await createPGlite(null));
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

async function listen(handler: express.Express) {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/trpc/song.byId` };
}

async function perRequestMs(url: string): Promise<number> {
  const headers = { authorization: `Bearer ${key}` };
  const started = performance.now();
  for (let i = 0; i < REQUESTS_PER_ROUND; i += 1) await (await fetch(url, { headers })).arrayBuffer();
  return (performance.now() - started) / REQUESTS_PER_ROUND;
}

const bare = app(false);
const guarded = app(true);
const plain = await listen(bare.application);
const checked = await listen(guarded.application);
await perRequestMs(plain.url); // warm up both (JIT, keep-alive sockets, the credential cache)
await perRequestMs(checked.url);
const without: number[] = [];
const withAccess: number[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  without.push(await perRequestMs(plain.url));
  withAccess.push(await perRequestMs(checked.url));
}

const authenticate = createAuthenticator(db.prisma, null);
const header = `Bearer ${key}`;
await authenticate(header);
const started = performance.now();
for (let i = 0; i < AUTH_CALLS; i += 1) await authenticate(header);
const authMs = (performance.now() - started) / AUTH_CALLS;

const us = (value: number) => `${(value * 1000).toFixed(1)} µs`;
printTable(
  `A read over HTTP with an API key (median of ${ROUNDS} rounds of ${REQUESTS_PER_ROUND} requests)`,
  [
    { app: 'without src/access', 'per request': us(median(without)) },
    { app: 'with src/access (helmet, CORS, key check, rate limit)', 'per request': us(median(withAccess)) },
    { app: 'added by access', 'per request': us(median(withAccess) - median(without)) },
  ],
);
printTable('The credential check alone, in-process (cached key)', [{ 'per call': us(authMs) }]);

plain.server.close();
checked.server.close();
await bare.close();
await guarded.close();
await db.close();
