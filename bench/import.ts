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
 *
 * The floor (issue 13's yardstick): psql loads the rows the import wrote into another fresh
 * database, in one transaction, as the import's empty-table path does but with no Node at all:
 * drop every index but the primary key, `\copy` the rows, rebuild the indexes from their
 * definitions (with the import's maintenance_work_mem). The import's time over this one is the
 * ratio printed last.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openDatabase } from '../src/db/index.js';
import { FIRST_NAMES, seededRandom, TITLE_NOUNS, TITLE_OPENERS } from '../src/demo/catalogue.js';
import { MONTH_NAMES } from '../src/import/csv-fields.js';
import { adminQuery, databaseUrl } from '../tests/support/postgres-admin.js';

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

/** A fresh, migrated database on the benchmark's server; `drop` removes it (once). */
async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `songs_bench_${randomBytes(4).toString('hex')}`;
  await adminQuery(POSTGRES_URL, `CREATE DATABASE "${name}"`);
  const url = databaseUrl(POSTGRES_URL, name);
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    await adminQuery(POSTGRES_URL, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  };
  try {
    const db = await openDatabase(url);
    await db.migrate();
    await db.close();
  } catch (error) {
    await drop();
    throw error;
  }
  return { url, drop };
}

const psql = (url: string, args: string[]) =>
  new Promise<void>((resolve, reject) => {
    execFile('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', url, ...args], (error, _stdout, stderr) =>
      error ? reject(new Error(`psql failed:\n${stderr}`)) : resolve(),
    );
  });

const SONG_COLUMNS = 'id, name, artist, streams, released_on, created_at, updated_at';

/** psql's load of the rows in `rowsFile` (CSV of SONG_COLUMNS) into a fresh database: see the header. */
async function timePsqlFloor(rowsFile: string, dir: string): Promise<Measurement> {
  const { url, drop } = await freshDatabase();
  try {
    const indexes = await adminQuery<{ name: string; definition: string }>(
      url,
      `SELECT format('%I.%I', schemaname, indexname) AS name, indexdef AS definition
       FROM pg_indexes WHERE tablename = 'songs' AND indexname <> 'songs_pkey' ORDER BY indexname`,
    );
    const script = path.join(dir, 'floor.sql');
    await writeFile(
      script,
      [
        'BEGIN;',
        "SET LOCAL maintenance_work_mem = '256MB';", // the import's REBUILD_MEMORY for PostgreSQL
        ...indexes.map(({ name }) => `DROP INDEX ${name};`),
        `\\copy songs (${SONG_COLUMNS}) FROM '${rowsFile}' WITH (FORMAT csv)`,
        ...indexes.map(({ definition }) => `${definition};`),
        'COMMIT;',
      ].join('\n'),
    );
    const started = performance.now();
    await psql(url, ['-f', script]);
    const seconds = (performance.now() - started) / 1000;
    const [counted] = await adminQuery<{ rows: number }>(url, 'SELECT count(*)::int AS rows FROM songs');
    return {
      target: 'PostgreSQL floor: psql COPY + index rebuild',
      seconds,
      peakRssMb: null,
      imported: counted?.rows ?? 0,
    };
  } finally {
    await drop();
  }
}

/** The import into PostgreSQL; with `floorDir`, also the floor, from the rows the import wrote. */
async function benchPostgres(
  file: string,
  { withoutTrigramIndexes = false, floorDir }: { withoutTrigramIndexes?: boolean; floorDir?: string } = {},
): Promise<Measurement[]> {
  const { url, drop } = await freshDatabase();
  try {
    if (withoutTrigramIndexes) {
      for (const { name } of await adminQuery<{ name: string }>(url, GIN_INDEXES))
        await adminQuery(url, `DROP INDEX ${name}`);
    }
    const target = withoutTrigramIndexes ? 'PostgreSQL without trigram indexes' : 'PostgreSQL';
    const measured = await timeImport(target, url, file);
    if (!floorDir) return [measured];
    const rowsFile = path.join(floorDir, 'rows.csv');
    await psql(url, ['-c', `\\copy songs (${SONG_COLUMNS}) TO '${rowsFile}' WITH (FORMAT csv)`]);
    await drop(); // before the floor's run, so that both load an otherwise idle server
    return [measured, await timePsqlFloor(rowsFile, floorDir)];
  } finally {
    await drop();
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
    results.push(...(await benchPostgres(file, { floorDir: dir })));
    results.push(...(await benchPostgres(file, { withoutTrigramIndexes: true })));
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
  const imported = results.find((result) => result.target === 'PostgreSQL');
  const floor = results.find((result) => result.target.startsWith('PostgreSQL floor'));
  if (imported && floor) {
    console.log(
      `PostgreSQL import / psql floor: ${(imported.seconds / floor.seconds).toFixed(2)}x (goal <= 1.3x)`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
