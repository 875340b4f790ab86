/**
 * `npm run import -- <file.csv> [options]`: imports songs from a CSV file into the database named
 * by DATABASE_URL (the server's rules; migrations are applied first). docs/import.md has the rest.
 *
 * Exit status: 0 when no row was rejected, 1 when a row was rejected or the run failed, 2 for bad
 * usage (unknown option, missing file, a header naming no usable columns).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { type Config, ConfigError, DEFAULT_DATABASE_URL, loadConfig } from '../src/config.js';
import { type Database, databaseOptions, openDatabase } from '../src/db/index.js';
import { DEFAULT_BATCH_SIZE, type ImportProgress, importSongs } from '../src/import/import-songs.js';
import { formatImportReport, importReportJson } from '../src/import/report.js';
import { CsvLayoutError } from '../src/import/song-csv-reader.js';
import { CONFLICT_POLICIES, type ConflictPolicy } from '../src/import/song-writer.js';

const USAGE = `Usage: npm run import -- <file.csv> [options]

Imports songs from a CSV file ("-" reads standard input) into the database named by
DATABASE_URL (from the environment or .env; default ${DEFAULT_DATABASE_URL}). The header row names the columns name, artist,
streams and released_on (or releasedOn) in any order; a file without one is read in that order.
Dates are "YYYY-MM-DD" or "29 November 2019".

Options:
  --on-conflict <skip|update|fail>  a song whose (name, artist) exists: skip it (default), update
                                    its streams and release date, or stop and write nothing
  --strict                          write nothing if any row is rejected
  --dry-run                         validate and count only; write nothing
  --json                            print one JSON object (counts and row errors) at the end
  --batch-size <rows>               rows per database batch (default ${DEFAULT_BATCH_SIZE})
  -h, --help                        show this help

Exit status: 0 no row rejected, 1 a row rejected or the run failed, 2 bad usage.`;

/** Two batches are in memory at once; `npm run import` runs Node with a 128 MB heap. */
const MAX_BATCH_SIZE = 100_000;

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

class UsageError extends Error {}

interface Command {
  file: string;
  onConflict: ConflictPolicy;
  strict: boolean;
  dryRun: boolean;
  json: boolean;
  batchSize: number;
}

function parseCommand(args: string[]): Command | 'help' {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch (error) {
    // parseArgs explains unknown options and missing values itself.
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0 ? 'Name the CSV file to import.' : 'Name one CSV file only.',
    );
  }
  const onConflict = values['on-conflict'] ?? 'skip';
  if (!CONFLICT_POLICIES.includes(onConflict as ConflictPolicy)) {
    throw new UsageError(
      `--on-conflict must be one of ${CONFLICT_POLICIES.join(', ')} (got "${onConflict}").`,
    );
  }
  const batchSize = Number(values['batch-size'] ?? DEFAULT_BATCH_SIZE);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
    throw new UsageError(
      `--batch-size must be a whole number from 1 to ${MAX_BATCH_SIZE} (got "${values['batch-size']}").`,
    );
  }
  return {
    file: positionals[0] as string,
    onConflict: onConflict as ConflictPolicy,
    strict: values.strict ?? false,
    dryRun: values['dry-run'] ?? false,
    json: values.json ?? false,
    batchSize,
  };
}

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      'on-conflict': { type: 'string' },
      strict: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      json: { type: 'boolean' },
      'batch-size': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** The file's size (for the progress percentage), or a usage error when it is not a readable file. */
async function fileSize(file: string): Promise<number | null> {
  if (file === '-') return null;
  try {
    const stats = await stat(file);
    if (!stats.isFile()) throw new UsageError(`${file} is not a file.`);
    return stats.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
    );
  }
}

/** rows, rows/s and percent of bytes read, redrawn in place; only ever on a terminal. */
function progressBar(totalBytes: number | null) {
  const bar = new cliProgress.SingleBar(
    {
      format:
        totalBytes === null
          ? 'Importing {rows} rows | {rate} rows/s'
          : 'Importing {bar} {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: true,
      stream: process.stdout,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  bar.start(totalBytes ?? 1, 0, { rows: 0, rate: 0 });
  return {
    update: (progress: ImportProgress) => {
      const seconds = (performance.now() - started) / 1000;
      bar.update(totalBytes === null ? 0 : progress.bytesRead, {
        rows: progress.rowsRead.toLocaleString('en-US'),
        rate: seconds > 0 ? Math.round(progress.rowsRead / seconds).toLocaleString('en-US') : 0,
      });
    },
    stop: () => bar.stop(),
  };
}

async function run(args: string[]): Promise<number> {
  const command = parseCommand(args);
  if (command === 'help') {
    console.log(USAGE);
    return EXIT_OK;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  const totalBytes = await fileSize(command.file);

  // Ctrl-C: finish the batch in hand, then report where the run stopped. A second one quits now.
  const interrupt = new AbortController();
  const onSigint = () => {
    if (interrupt.signal.aborted) process.exit(EXIT_FAILED);
    interrupt.abort();
    process.stderr.write('\nInterrupted: finishing the current batch (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);

  let db: Database | undefined;
  const bar = process.stdout.isTTY && !command.json ? progressBar(totalBytes) : null;
  try {
    db = await openDatabase(config.DATABASE_URL, databaseOptions(config));
    await db.migrate();
    // 64 KB reads, not larger: the reader parses each chunk in one go without yielding, and a
    // batch's COPY needs a few event-loop turns (its round trips) to finish while the next batch
    // is parsed; larger reads held those turns back (docs/performance.md).
    const input =
      command.file === '-' ? process.stdin : createReadStream(command.file, { highWaterMark: 64 * 1024 });
    const report = await importSongs(db, input, {
      onConflict: command.onConflict,
      strict: command.strict,
      dryRun: command.dryRun,
      batchSize: command.batchSize,
      signal: interrupt.signal,
      totalBytes,
      ...(bar ? { onProgress: bar.update } : {}),
      onLayout: (layout) => {
        if (layout.ignoredColumns.length > 0) {
          process.stderr.write(`Ignoring the column(s) ${layout.ignoredColumns.join(', ')}\n`);
        }
      },
    });
    bar?.stop();
    if (command.json) console.log(JSON.stringify(importReportJson(report)));
    else
      console.log(
        formatImportReport(report, { source: command.file === '-' ? 'standard input' : command.file }),
      );
    return report.rejected > 0 || report.stopped !== null ? EXIT_FAILED : EXIT_OK;
  } catch (error) {
    bar?.stop();
    if (error instanceof CsvLayoutError) throw new UsageError(`${command.file}: ${error.message}`);
    console.error(`Import failed: ${(error as Error).message ?? error}`);
    return EXIT_FAILED;
  } finally {
    process.off('SIGINT', onSigint);
    await db?.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\nRun \`npm run import -- --help\` for usage.`);
      process.exit(EXIT_USAGE);
    }
    console.error('Import failed:', error);
    process.exit(EXIT_FAILED);
  },
);
