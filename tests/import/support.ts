/** Helpers for the import tests: run an import over a CSV string or a fixture file. */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Database } from '../../src/db/index.js';
import { type ImportOptions, type ImportReport, importSongs } from '../../src/import/import-songs.js';

export const fixturePath = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
export const fixture = (name: string) => readFileSync(fixturePath(name), 'utf8');

/** Imports `csv` (a string, fed as one chunk) into `db`. */
export function importCsv(db: Database, csv: string, options: ImportOptions = {}): Promise<ImportReport> {
  return importSongs(db, Readable.from([Buffer.from(csv)]), options);
}

/** The counts of a report, as the `--json` object has them. */
export const countsOf = ({ read, imported, updated, skipped, rejected }: ImportReport) => ({
  read,
  imported,
  updated,
  skipped,
  rejected,
});

export const HEADER = 'name,artist,streams,released_on';
