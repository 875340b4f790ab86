/**
 * The HTTP hot path side by side: the whole stack (`npm start`, NODE_ENV=production) against the
 * hand-written Express + pg server of bench/raw-server.ts, on the same throwaway PostgreSQL
 * database of 10,000 songs, with autocannon (10 connections). Rounds alternate which server goes
 * first; the table holds medians over rounds, the stack/raw ratios and each server's peak RSS.
 * On a busy machine read the ratios, not the absolute figures.
 *
 *   npm run bench:http                      5 rounds of 5 s per read and server (about 3 minutes)
 *   npm run bench:http -- --quick           3 rounds of 2 s (a little over a minute)
 *   npm run bench:http -- --rounds 7 --seconds 10 --connections 10
 *   npm run bench:http -- --baseline tsx
 *       the stack (npm start, compiled JavaScript) against the same src/ run through tsx
 *   npm run bench:http -- --profile song.list --seconds 15
 *       the stack alone under that read with `--cpu-prof`: self time by module (bench/cpu-profile.ts)
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { adminQuery, databaseUrl } from '../tests/support/postgres-admin.js';
import { startTsxStack } from './compiled-stack.js';
import { printProfileSummary } from './cpu-profile.js';
import {
  type LoadResult,
  READS,
  type ReadName,
  rawTargets,
  runLoad,
  stackTargets,
  type Target,
} from './http-load.js';
import { type BenchServer, SCRATCH, startRawServer, startStack } from './http-servers.js';
import { fillSongsSql, median, POSTGRES_URL, printTable } from './stats.js';

const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    connections: { type: 'string', default: '10' },
    songs: { type: 'string', default: '10000' },
    profile: { type: 'string' },
    baseline: { type: 'string', default: 'raw' },
  },
});
const ROUNDS = Number(options.rounds ?? (options.quick ? 3 : 5));
const SECONDS = Number(options.seconds ?? (options.quick ? 2 : 5));
const CONNECTIONS = Number(options.connections);
const SONGS = Number(options.songs);
const POOL_SIZE = '10'; // the stack's default DB_POOL_SIZE, given to both servers

/** Deterministic rows generated inside the database (no client round trips). */
const fill = (rows: number) => fillSongsSql(rows, { artists: 997, name: 'Song number ', step: '1 second' });

const database = `songs_bench_http_${randomBytes(4).toString('hex')}`;
const url = databaseUrl(POSTGRES_URL, database);
const serverEnv: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: url,
  PORT: '0',
  DB_POOL_SIZE: POOL_SIZE,
  // The limiter stays in the path (its cost is part of the stack) but never refuses the bench.
  RATE_LIMIT_READ: '1000000000',
};

const servers: BenchServer[] = [];
await adminQuery(POSTGRES_URL, `CREATE DATABASE "${database}"`);
try {
  // The stack's own start-up applies the migrations; the rows go in once the table exists.
  const stack = await startStack(serverEnv);
  servers.push(stack);
  await adminQuery(url, fill(SONGS));
  const ids = (await adminQuery<{ id: string }>(url, 'SELECT id FROM songs')).map((row) => row.id);
  const load = { connections: CONNECTIONS, ids, songCount: SONGS };
  const stackReads = await stackTargets();

  if (options.profile) {
    await stack.stop();
    servers.pop();
    await profileStack(options.profile as ReadName, stackReads, load);
  } else {
    const tsx = options.baseline === 'tsx';
    const baseline = tsx ? await startTsxStack(serverEnv) : await startRawServer(serverEnv);
    servers.push(baseline);
    await compare([stack, stackReads], [baseline, tsx ? stackReads : rawTargets()], load);
  }
} finally {
  for (const server of servers) await server.stop().catch(() => {});
  await adminQuery(POSTGRES_URL, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
}

type Contender = [BenchServer, Record<ReadName, Target>];
type LoadOptions = Omit<Parameters<typeof runLoad>[2], 'seconds'>;

async function compare(stack: Contender, baseline: Contender, load: LoadOptions): Promise<void> {
  const results = new Map<string, LoadResult[]>();
  const key = (server: BenchServer, read: ReadName) => `${server.name} ${read}`;
  // Warm-up: JIT, pool connections, PostgreSQL's caches; not counted.
  for (const [server, targets] of [stack, baseline]) {
    for (const read of READS) await runLoad(server.url, targets[read], { ...load, seconds: 1 });
  }
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const read of READS) {
      // Alternate who goes first, so that drift on a busy machine does not favour one side.
      for (const [server, targets] of round % 2 === 0 ? [stack, baseline] : [baseline, stack]) {
        const result = await runLoad(server.url, targets[read], { ...load, seconds: SECONDS });
        results.set(key(server, read), [...(results.get(key(server, read)) ?? []), result]);
      }
    }
    process.stdout.write(`round ${round + 1}/${ROUNDS} done\n`);
  }

  const mid = (server: BenchServer, read: ReadName, field: keyof LoadResult) =>
    median((results.get(key(server, read)) ?? []).map((result) => result[field]));
  const rows: Record<string, string>[] = READS.map((read) => {
    const ours = mid(stack[0], read, 'requestsPerSecond');
    const theirs = mid(baseline[0], read, 'requestsPerSecond');
    return {
      read,
      'stack req/s': ours.toFixed(0),
      [`${baseline[0].name} req/s`]: theirs.toFixed(0),
      'ratio (goal >= 0.6)': (ours / theirs).toFixed(2),
      'stack p99 ms': mid(stack[0], read, 'p99Ms').toFixed(1),
      'baseline p99 ms': mid(baseline[0], read, 'p99Ms').toFixed(1),
    };
  });
  const p99Ratio = mid(stack[0], 'song.byId', 'p99Ms') / mid(baseline[0], 'song.byId', 'p99Ms');
  const [stackRss, rawRss] = [await stack[0].peakRss(), await baseline[0].peakRss()];
  printTable(
    `${new Date().toISOString()}: ${load.songCount} songs, ${load.connections} connections, ` +
      `${ROUNDS} alternating rounds of ${SECONDS} s, medians`,
    rows,
  );
  printTable('Peak RSS (VmHWM) and start-up', [
    { server: stack[0].name, 'peak RSS MB': mb(stackRss), 'start ms': stack[0].startMs.toFixed(0) },
    { server: baseline[0].name, 'peak RSS MB': mb(rawRss), 'start ms': baseline[0].startMs.toFixed(0) },
  ]);
  console.log(`song.byId p99 ratio (goal <= 2): ${p99Ratio.toFixed(2)}`);
  console.log(`peak RSS ratio (goal <= 1.5): ${(stackRss / rawRss).toFixed(2)}`);
}

/** The stack alone under one read with `--cpu-prof`; prints where its CPU time goes. */
async function profileStack(read: ReadName, targets: Record<ReadName, Target>, load: LoadOptions) {
  if (!READS.includes(read)) throw new Error(`--profile takes one of ${READS.join(', ')}`);
  const dir = path.join(SCRATCH, `cpu-profile-${Date.now()}`);
  await mkdir(dir, { recursive: true });
  const stack = await startStack(serverEnv, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  servers.push(stack);
  await runLoad(stack.url, targets[read], { ...load, seconds: 2 }); // warm-up, not counted
  const loadStarted = performance.now();
  const result = await runLoad(stack.url, targets[read], { ...load, seconds: SECONDS });
  // The profile ends when the process exits: its last `windowMs` are this load (and the shutdown).
  const windowMs = performance.now() - loadStarted;
  await stack.stop();
  servers.pop();
  // CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile: thread 0 is the main thread (tsx adds a worker).
  const file = (await readdir(dir)).find((name) => name.includes(`.${stack.pid}.0.`));
  if (!file) throw new Error(`no CPU profile of pid ${stack.pid} in ${dir}`);
  console.log(
    `${read}: ${result.requestsPerSecond.toFixed(0)} req/s while profiled; ${path.join(dir, file)}`,
  );
  await printProfileSummary(path.join(dir, file), result.requests, windowMs);
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}
