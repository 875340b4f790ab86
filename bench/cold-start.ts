/**
 * Server cold start: from spawning `node src/main.ts` to its "listening on" line, on a fresh and
 * on an existing database, for embedded PGlite and for PostgreSQL.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { adminQuery, databaseUrl } from '../tests/support/postgres-admin.js';
import { median, ms, POSTGRES_URL, printTable } from './stats.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const RUNS = 3;

/** Milliseconds until the server says it listens; then stops it with SIGTERM. */
async function timeToListen(databaseUrlValue: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DATABASE_URL: databaseUrlValue, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Keep reading stdout to the end: a closed pipe would fail the server's later log lines.
  const listening = new Promise<void>((resolve) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (/listening on/.test(line)) resolve();
    });
  });
  await Promise.race([
    listening,
    once(child, 'exit').then(([code]) => {
      throw new Error(`server exited with ${code} before listening`);
    }),
  ]);
  const elapsed = performance.now() - started;
  child.kill('SIGTERM');
  const [code, signal] = await once(child, 'exit');
  if (code !== 0) throw new Error(`server exited with ${code ?? signal}`);
  return elapsed;
}

async function runs(makeUrl: () => Promise<string>): Promise<number[]> {
  const samples: number[] = [];
  for (let run = 0; run < RUNS; run += 1) samples.push(await timeToListen(await makeUrl()));
  return samples;
}

const dir = await mkdtemp(path.join(tmpdir(), 'songs-cold-start-'));
const database = `songs_bench_${randomBytes(4).toString('hex')}`;
try {
  let fresh = 0;
  const rows = [];
  const pgliteFresh = await runs(async () => `pglite:${path.join(dir, `fresh-${fresh++}`)}`);
  rows.push({ database: 'PGlite, new data folder (initdb + migrations)', median: ms(median(pgliteFresh)) });
  const pgliteExisting = await runs(async () => `pglite:${path.join(dir, 'fresh-0')}`);
  rows.push({ database: 'PGlite, existing data folder', median: ms(median(pgliteExisting)) });
  const postgresFresh = await runs(async () => {
    await adminQuery(POSTGRES_URL, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await adminQuery(POSTGRES_URL, `CREATE DATABASE "${database}"`);
    return databaseUrl(POSTGRES_URL, database);
  });
  rows.push({ database: 'PostgreSQL, empty database (migrations)', median: ms(median(postgresFresh)) });
  const postgresExisting = await runs(async () => databaseUrl(POSTGRES_URL, database));
  rows.push({ database: 'PostgreSQL, migrated database', median: ms(median(postgresExisting)) });
  printTable(`Cold start to "listening", median of ${RUNS}`, rows);
} finally {
  await adminQuery(POSTGRES_URL, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await rm(dir, { recursive: true, force: true });
}
