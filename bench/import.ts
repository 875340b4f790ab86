/**
 * `npm run bench:import [-- --rows N]`: generates an N-row songs CSV (default 1,000,000; also
 * BENCH_ROWS) in a temporary directory, then imports it with the real CLI, as a child process,
 * into a fresh PostgreSQL database and a fresh PGlite data directory. Reports the whole command's
 * wall time (start to exit), rows/s and peak RSS (from /usr/bin/time).
 *
 * PostgreSQL: BENCH_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres) names a
 * server where the benchmark creates and drops its own database. Both targets are migrated before
 * the timed run, so the time is the import's, not initdb's.
 *
 * A third run, for comparison only, imports into PostgreSQL after dropping the two trigram GIN
 * indexes (the `*Contains` filters' indexes): building them is most of an initial load's time, and
 * this run shows how much, on the machine at hand.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openDatabase } from '../src/db/index.js';
import { FIRST_NAMES, seededRandom, TITLE_NOUNS, TITLE_OPENERS } from '../src/demo/catalogue.js';
import { MONTH_NAMES } from '../src/import/csv-fields.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The command `npm run import` runs (package.json), without npm's own start-up. */
const IMPORT_COMMAND = ['--max-old-space-size=128', '--import', 'tsx', 'scripts/import.ts'];

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: process.env.BENCH_ROWS ?? '1000000' },
    only: { type: 'string' }, // "postgres" or "pglite"
  },
});
const ROWS = Number(values.rows);
if (!Number.isInteger(ROWS) || ROWS < 1)
  throw new Error(`--rows must be a positive integer (got ${values.rows})`);
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** A catalogue-like CSV: unique (name, artist) pairs, some quoted names, both date forms. */
async function generateCsv(file: string, rows: number): Promise<void> {
  const random = seededRandom(42);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
  const out = createWriteStream(file);
  out.write('name,artist,streams,released_on\n');
  let chunk = '';
  for (let n = 0; n < rows; n += 1) {
    const title = `${pick(TITLE_OPENERS)} ${pick(TITLE_NOUNS)} ${n.toString(36)}`;
    const name = n % 50 === 0 ? `"${title}, Pt. ${1 + (n % 3)}"` : title;
    const artist = `${pick(FIRST_NAMES)} ${pick(TITLE_OPENERS)}${Math.floor(random() * 5000)}`;
    const year = 1970 + Math.floor(random() * 55);
    const month = 1 + Math.floor(random() * 12);
    const day = 1 + Math.floor(random() * 28);
    const date =
      n % 10 === 0
        ? `${day} ${MONTH_NAMES[month - 1]} ${year}`
        : `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    chunk += `${name},${artist},${(random() * 4).toFixed(3)},${date}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise<void>((resolve, reject) => out.on('finish', () => resolve()).on('error', reject));
}

interface Measurement {
  target: string;
  seconds: number;
  peakRssMb: number | null;
  imported: number;
}

/** Runs the import CLI under /usr/bin/time -v (when there) and reads its wall time and max RSS. */
function timeImport(target: string, databaseUrl: string, file: string): Promise<Measurement> {
  const useTime = existsSync('/usr/bin/time');
  const [command, args] = useTime
    ? ['/usr/bin/time', ['-v', process.execPath, ...IMPORT_COMMAND, file, '--json']]
    : [process.execPath, [...IMPORT_COMMAND, file, '--json']];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: databaseUrl }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const seconds = (performance.now() - started) / 1000;
        if (error) {
          reject(new Error(`${target}: the import failed:\n${stderr}`));
          return;
        }
        const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
        const report = JSON.parse(stdout) as { imported: number };
        resolve({
          target,
          seconds,
          peakRssMb: rss ? Number(rss[1]) / 1024 : null,
          imported: report.imported,
        });
      },
    );
  });
}

/** The schema's GIN indexes (the trigram ones), dropped for the comparison run. */
const GIN_INDEXES = `
  SELECT format('%I.%I', schemaname, indexname) AS name FROM pg_indexes
  WHERE tablename = 'songs' AND indexdef LIKE '% USING gin %'`;

async function benchPostgres(file: string, { withoutTrigramIndexes = false } = {}): Promise<Measurement> {
  const name = `songs_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  try {
    const db = await openDatabase(url.toString());
    await db.migrate();
    await db.close();
    if (!withoutTrigramIndexes) return await timeImport('PostgreSQL', url.toString(), file);
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(GIN_INDEXES);
      for (const { name: index } of rows) await client.query(`DROP INDEX ${index}`);
    } finally {
      await client.end();
    }
    return await timeImport('PostgreSQL without trigram indexes', url.toString(), file);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}

async function benchPGlite(dir: string, file: string): Promise<Measurement> {
  const dataDir = path.join(dir, 'pglite');
  const db = await openDatabase(`pglite:${dataDir}`);
  await db.migrate();
  await db.close();
  return timeImport('PGlite', `pglite:${dataDir}`, file);
}

const dir = await mkdtemp(path.join(tmpdir(), 'songs-bench-import-'));
try {
  const file = path.join(dir, 'songs.csv');
  console.log(`Generating ${ROWS.toLocaleString('en-US')} rows in ${file} …`);
  await generateCsv(file, ROWS);
  console.log(`${((await stat(file)).size / 2 ** 20).toFixed(1)} MB. Importing (whole CLI command, timed) …`);
  const results: Measurement[] = [];
  if (values.only !== 'pglite') {
    results.push(await benchPostgres(file));
    results.push(await benchPostgres(file, { withoutTrigramIndexes: true }));
  }
  if (values.only !== 'postgres') results.push(await benchPGlite(dir, file));
  console.table(
    results.map((result) => ({
      target: result.target,
      rows: ROWS.toLocaleString('en-US'),
      imported: result.imported.toLocaleString('en-US'),
      'wall s': result.seconds.toFixed(1),
      'rows/s': Math.round(ROWS / result.seconds).toLocaleString('en-US'),
      'peak RSS MB': result.peakRssMb === null ? 'n/a' : Math.round(result.peakRssMb),
    })),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
