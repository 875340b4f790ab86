/**
 * What running src/ through tsx costs at start-up, against the same files compiled to JavaScript
 * (bench/compiled-stack.ts): time from spawn to "listening on" and resident memory once listening,
 * on a migrated PostgreSQL database, alternating the two. Per-request cost under load:
 * `npm run bench:http -- --baseline compiled`.
 *
 *   node --import tsx bench/start-cost.ts [runs, default 7]
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { adminQuery, databaseUrl } from '../tests/support/postgres-admin.js';
import { COMPILED_DIR, compileStack } from './compiled-stack.js';
import { type BenchServer, memoryField, startChild } from './http-servers.js';
import { median, POSTGRES_URL, printTable } from './stats.js';

const RUNS = Number(process.argv[2] ?? 7);
const database = `songs_bench_start_${randomBytes(4).toString('hex')}`;
const env = {
  ...process.env,
  DATABASE_URL: databaseUrl(POSTGRES_URL, database),
  PORT: '0',
  NODE_ENV: 'production',
};
const VARIANTS: Record<string, string[]> = {
  'node --import tsx src/main.ts (npm start today)': ['--import', 'tsx', 'src/main.ts'],
  'node compiled/src/main.js': [path.join(COMPILED_DIR, 'src', 'main.js')],
};

async function startOnce(name: string, args: string[]) {
  const server: BenchServer = await startChild(name, process.execPath, args, env);
  const rss = await memoryField(server.pid, 'VmRSS');
  await server.stop();
  return { startMs: server.startMs, rss };
}

await adminQuery(POSTGRES_URL, `CREATE DATABASE "${database}"`);
try {
  const buildMs = await compileStack();
  const [first] = Object.entries(VARIANTS);
  if (first) await startOnce(...first); // applies the migrations; not counted
  const samples = new Map<string, { startMs: number; rss: number }[]>();
  for (let run = 0; run < RUNS; run += 1) {
    const order = Object.entries(VARIANTS);
    for (const [name, args] of run % 2 === 0 ? order : order.reverse()) {
      samples.set(name, [...(samples.get(name) ?? []), await startOnce(name, args)]);
    }
  }
  printTable(
    `${new Date().toISOString()}: start to "listening on", PostgreSQL, median of ${RUNS} alternating runs ` +
      `(esbuild of src/ took ${buildMs.toFixed(0)} ms)`,
    [...samples].map(([name, runs]) => ({
      command: name,
      'start ms': median(runs.map((sample) => sample.startMs)).toFixed(0),
      'RSS when listening MB': (median(runs.map((sample) => sample.rss)) / 1024 / 1024).toFixed(0),
    })),
  );
} finally {
  await adminQuery(POSTGRES_URL, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
}
