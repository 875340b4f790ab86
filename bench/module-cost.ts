/**
 * What loading each layer of the stack costs a fresh process: import time and resident memory
 * after the import, each in its own `node` (median of a few runs). It answers "what would loading
 * PGlite only when DATABASE_URL asks for it save a PostgreSQL server?" and "what does tsx cost
 * before any of our code runs?". The Prisma client and src/db are imported from the compiled copy
 * of bench/compiled-stack.ts, so that no TypeScript loader is counted.
 *
 *   node --import tsx bench/module-cost.ts
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { COMPILED_DIR, compileStack } from './compiled-stack.js';
import { ROOT } from './http-servers.js';
import { median, printTable } from './stats.js';

const RUNS = 3;
const compiled = (file: string) => pathToFileURL(path.join(COMPILED_DIR, 'src', file)).href;
const LAYERS: Record<string, { imports: string[]; nodeArgs?: string[] }> = {
  'node, nothing imported': { imports: [] },
  'node --import tsx, nothing imported': { imports: [], nodeArgs: ['--import', 'tsx'] },
  'express + pg (the raw server)': { imports: ['express', 'pg'] },
  '@trpc/server + superjson + zod': { imports: ['@trpc/server', 'superjson', 'zod'] },
  'Prisma client + @prisma/adapter-pg': {
    imports: [compiled('generated/prisma/client.js'), '@prisma/adapter-pg'],
  },
  'PGlite + pg_trgm + pglite-prisma-adapter': {
    imports: ['@electric-sql/pglite', '@electric-sql/pglite/contrib/pg_trgm', 'pglite-prisma-adapter'],
  },
  'src/db/index.js (both drivers, as today)': { imports: [compiled('db/index.js')] },
  'src/server.js (the whole stack)': { imports: [compiled('server.js')] },
};

async function measure(imports: string[], nodeArgs: string[] = []) {
  const script = `const started = performance.now();
    for (const name of ${JSON.stringify(imports)}) await import(name);
    console.log(JSON.stringify({ ms: performance.now() - started, rss: process.memoryUsage().rss }));`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...nodeArgs, '--input-type=module', '--eval', script],
    { cwd: ROOT },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { ms: number; rss: number };
}

await compileStack();
const rows = [];
for (const [layer, { imports, nodeArgs }] of Object.entries(LAYERS)) {
  const runs = [];
  for (let run = 0; run < RUNS; run += 1) runs.push(await measure(imports, nodeArgs));
  rows.push({
    layer,
    'import ms': median(runs.map((sample) => sample.ms)).toFixed(0),
    'RSS after MB': (median(runs.map((sample) => sample.rss)) / 1024 / 1024).toFixed(0),
  });
}
printTable(`${new Date().toISOString()}: each layer imported alone in a fresh node, median of ${RUNS}`, rows);
