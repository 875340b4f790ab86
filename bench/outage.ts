/**
 * `npm run bench:outage`: what clients see when PostgreSQL goes away and comes back, and what they
 * see when the server is stopped with SIGTERM under keep-alive load.
 *
 * 1. Outage: 50 clients (80% reads, 20% creates) for 60 s against a server on PostgreSQL; the
 *    cluster is stopped 15 s in and started 10 s later (`pg_ctlcluster`, as root). Reports status
 *    counts, hangs (responses slower than the statement timeout plus a second) and the time from
 *    the database's return to the first successful read. The cluster is always started again.
 * 2. Drain: `npm start`'s entry point under 50 keep-alive clients, SIGTERM after 3 s: requests cut,
 *    exit code, and the time from the last response to the exit.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createApiKey } from '../src/access/api-keys.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/index.js';
import { serve } from '../src/server.js';
import { adminQuery, databaseUrl } from '../tests/support/postgres-admin.js';
import { POSTGRES_URL } from './stats.js';

const CLIENTS = 50;
const RUN_MS = 60_000;
const STOP_AT_MS = 15_000;
const OUTAGE_MS = 10_000;
const CLUSTER = ['15', 'main'];

const pgctl = (action: 'start' | 'stop') =>
  execFileSync('pg_ctlcluster', [...CLUSTER, action, ...(action === 'stop' ? ['-m', 'fast'] : [])], {
    stdio: 'ignore',
  });

interface Outcome {
  at: number;
  status: string;
  ms: number;
  read: boolean;
}

/** One client: requests back to back until `until`, every outcome recorded. */
async function client(
  url: string,
  key: string,
  until: number,
  outcomes: Outcome[],
  index: number,
): Promise<void> {
  let n = 0;
  while (Date.now() < until) {
    const read = (index + n++) % 5 !== 0;
    const started = Date.now();
    let status: string;
    try {
      const response = read
        ? await fetch(`${url}/trpc/song.list?input=${encodeURIComponent('{"json":{"limit":10}}')}`, {
            signal: AbortSignal.timeout(30_000),
          })
        : await fetch(`${url}/trpc/song.create`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
            body: JSON.stringify({
              json: {
                name: `Outage ${index}-${n}-${randomBytes(3).toString('hex')}`,
                artist: 'Bench',
                streams: 1,
                releasedOn: '2020-01-01',
              },
            }),
            signal: AbortSignal.timeout(30_000),
          });
      await response.arrayBuffer();
      status = String(response.status);
    } catch (error) {
      status = (error as { cause?: { code?: string }; name?: string }).cause?.code ?? (error as Error).name;
    }
    outcomes.push({ at: Date.now(), status, ms: Date.now() - started, read });
  }
}

/** Rate limits off: these runs measure faults and shutdown, not budgets. */
const UNLIMITED = { RATE_LIMIT_READ: '0', RATE_LIMIT_WRITE: '0' };

const countBy = (items: string[]) =>
  Object.fromEntries(
    [...new Set(items)].sort().map((key) => [key, items.filter((item) => item === key).length]),
  );

async function outage(url: string): Promise<void> {
  const db = await openDatabase(url);
  await db.migrate();
  const { key } = await createApiKey(db.prisma, { name: 'bench-outage', scopes: ['songs:write'] });
  // Rate limits off: this measures faults, not budgets.
  const config = loadConfig({ ...UNLIMITED, PORT: '0', DATABASE_URL: url, LOG_LEVEL: 'silent' });
  const running = await serve(db, config);
  const outcomes: Outcome[] = [];
  const start = Date.now();
  let stoppedAt = 0;
  let backAt = 0;
  try {
    const clients = Array.from({ length: CLIENTS }, (_, i) =>
      client(running.url, key, start + RUN_MS, outcomes, i),
    );
    await new Promise((resolve) => setTimeout(resolve, STOP_AT_MS));
    stoppedAt = Date.now();
    pgctl('stop');
    console.log(`PostgreSQL stopped at ${((Date.now() - start) / 1000).toFixed(1)} s`);
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    pgctl('start');
    backAt = Date.now();
    console.log(`PostgreSQL started again at ${((backAt - start) / 1000).toFixed(1)} s`);
    await Promise.all(clients);
  } finally {
    // Never leave the cluster stopped, whatever failed above.
    try {
      pgctl('start');
    } catch {
      // already running
    }
    await running.close();
  }
  const hangLimit = config.DB_STATEMENT_TIMEOUT_MS + 1000;
  const firstReadBack = outcomes.find((o) => o.read && o.status === '200' && o.at - o.ms >= backAt);
  const during = outcomes.filter((o) => o.at >= stoppedAt && o.at <= backAt);
  console.log(
    JSON.stringify(
      {
        requests: outcomes.length,
        statuses: countBy(outcomes.map((o) => o.status)),
        statusesWhileStopped: countBy(during.map((o) => o.status)),
        hangs: outcomes.filter((o) => o.ms > hangLimit).length,
        slowestMs: Math.max(...outcomes.map((o) => o.ms)),
        recoveryMs: firstReadBack ? firstReadBack.at - backAt : null,
      },
      null,
      2,
    ),
  );
}

async function drain(url: string): Promise<void> {
  const root = path.resolve(import.meta.dirname, '..');
  const db = await openDatabase(url);
  await db.migrate();
  const { key } = await createApiKey(db.prisma, { name: 'bench-drain', scopes: ['songs:write'] });
  await db.close();
  const child = spawn('node', ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      PORT: '0',
      DATABASE_URL: url,
      LOG_LEVEL: 'silent',
      NODE_ENV: 'production',
      ...UNLIMITED,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const serverUrl = await new Promise<string>((resolve) =>
    lines.on('line', (line) => {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
    }),
  );
  const outcomes: Outcome[] = [];
  const exited = once(child, 'exit');
  const clients = Array.from({ length: CLIENTS }, (_, i) =>
    client(serverUrl, key, Date.now() + 60_000, outcomes, i),
  );
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const signalledAt = Date.now();
  child.kill('SIGTERM');
  const [code] = await exited;
  const exitAt = Date.now();
  await Promise.race([Promise.all(clients), new Promise((resolve) => setTimeout(resolve, 2000))]);
  const after = outcomes.filter((o) => o.at >= signalledAt);
  const answered = after.filter((o) => /^\d+$/.test(o.status));
  const lastResponse = Math.max(...answered.map((o) => o.at));
  console.log(
    JSON.stringify(
      {
        exitCode: code,
        requestsBeforeSignal: outcomes.length - after.length,
        afterSignal: countBy(after.map((o) => o.status)),
        cut: after.filter((o) => !/^\d+$/.test(o.status) && o.status !== 'ECONNREFUSED').length,
        exitAfterSignalMs: exitAt - signalledAt,
        exitAfterLastResponseMs: exitAt - lastResponse,
      },
      null,
      2,
    ),
  );
  process.exit(0); // the clients still loop against a closed port
}

const name = `songs_outage_${randomBytes(4).toString('hex')}`;
await adminQuery(POSTGRES_URL, `CREATE DATABASE "${name}"`);
const url = databaseUrl(POSTGRES_URL, name);
try {
  if (process.argv.includes('--drain')) await drain(url);
  else await outage(url);
} finally {
  await adminQuery(POSTGRES_URL, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
process.exit(0); // the drain run's clients still loop against a closed port
