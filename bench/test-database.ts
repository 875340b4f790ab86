/**
 * What the test harness costs per test and per file, on PGlite and on PostgreSQL:
 * - a reset between tests (empty or 100-song fixture; clean = nothing written since the last one),
 * - a new throwaway database (PGlite snapshot load; PostgreSQL template clone + connect).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCaller } from '../src/router.js';
import { songInput, TEST_WRITER } from '../tests/support/factories.js';
import { adminQuery } from '../tests/support/postgres-admin.js';
import {
  buildPgliteSnapshot,
  buildPostgresTemplate,
  type DatabaseSource,
  dropPostgresClones,
  openThrowawayDatabase,
  resetDatabase,
} from '../tests/support/throwaway-database.js';
import { median, ms, POSTGRES_URL, percentile, printTable, sample } from './stats.js';

const RESETS = 300;
const OPENS = 10;

async function measure(engine: string, source: DatabaseSource) {
  let opened: Awaited<ReturnType<typeof openThrowawayDatabase>> | undefined;
  // Opening is what a test file waits for; dropping happens after its last test.
  const opens: number[] = [];
  const drops = await sample(
    OPENS,
    () => opened?.drop() as Promise<void>,
    async () => {
      const started = performance.now();
      opened = await openThrowawayDatabase(source, 'bench_open');
      await opened.script('SELECT 1');
      opens.push(performance.now() - started);
    },
  );
  const db = await openThrowawayDatabase(source, 'bench');
  const caller = createCaller({ prisma: db.prisma, auth: TEST_WRITER });
  const rows: Record<string, string>[] = [];
  for (const fixture of [false, true]) {
    const reset = () => resetDatabase(db, { fixture });
    await reset();
    const clean = await sample(RESETS, reset);
    const dirty = await sample(RESETS, reset, () => caller.song.create(songInput()));
    const label = fixture ? '100-song fixture' : 'empty';
    rows.push({
      engine,
      reset: `${label}, after a write`,
      median: ms(median(dirty)),
      p95: ms(percentile(dirty, 95)),
    });
    rows.push({
      engine,
      reset: `${label}, nothing written`,
      median: ms(median(clean)),
      p95: ms(percentile(clean, 95)),
    });
  }
  rows.push({
    engine,
    reset: 'new throwaway database (create + connect)',
    median: ms(median(opens)),
    p95: ms(percentile(opens, 95)),
  });
  rows.push({
    engine,
    reset: 'drop it (after the file)',
    median: ms(median(drops)),
    p95: ms(percentile(drops, 95)),
  });
  await db.drop();
  return rows;
}

const dir = await mkdtemp(path.join(tmpdir(), 'songs-bench-'));
try {
  let started = performance.now();
  const pglite = await buildPgliteSnapshot(path.join(dir, 'migrated.tar'));
  const pgliteBuild = performance.now() - started;
  const rows = await measure('PGlite', pglite);

  started = performance.now();
  const template = `songs_bench_${Date.now().toString(36)}`;
  const postgres = await buildPostgresTemplate(POSTGRES_URL, template);
  const postgresBuild = performance.now() - started;
  try {
    rows.push(...(await measure('PostgreSQL', postgres)));
  } finally {
    await dropPostgresClones(postgres as DatabaseSource & { kind: 'postgres' });
    await adminQuery(POSTGRES_URL, `DROP DATABASE IF EXISTS "${template}"`);
  }
  rows.push({
    engine: 'PGlite',
    reset: 'build the migrated snapshot (once per run)',
    median: ms(pgliteBuild),
    p95: '',
  });
  rows.push({
    engine: 'PostgreSQL',
    reset: 'build the migrated template (once per run)',
    median: ms(postgresBuild),
    p95: '',
  });
  printTable(`Test database costs (${RESETS} resets, ${OPENS} opens)`, rows);
} finally {
  await rm(dir, { recursive: true, force: true });
}
