/**
 * The demo seed: the demo catalogue loaded through the same import path as any CSV, skipping songs
 * already there, so seeding twice changes nothing.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { type Config, isDefaultDatabase } from '../config.js';
import { type Database, parseDatabaseUrl } from '../db/index.js';
import { type ImportReport, importSongs } from '../import/import-songs.js';
import { demoCatalogueCsv } from './catalogue.js';

export function seedDemoCatalogue(db: Database): Promise<ImportReport> {
  return importSongs(db, Readable.from([Buffer.from(demoCatalogueCsv())]), { onConflict: 'skip' });
}

/**
 * True when `config` names the default embedded database and it does not exist yet: `npm start`
 * on a fresh clone then seeds it, so a first look at the API finds songs. A database named
 * explicitly is never seeded behind its owner's back (`npm run db:seed` does it on request).
 */
export function isFirstStartOfDefaultDatabase(config: Pick<Config, 'DATABASE_URL'>): boolean {
  if (!isDefaultDatabase(config)) return false;
  const target = parseDatabaseUrl(config.DATABASE_URL);
  return (
    target.kind === 'pglite' &&
    target.dataDir !== null &&
    !existsSync(path.join(target.dataDir, 'PG_VERSION'))
  );
}
