/**
 * The one place that turns a DATABASE_URL into a connected Database; every connection to the
 * database (Prisma's, the migrator's, the import's) is made under src/db/:
 *
 * - `postgres://…` / `postgresql://…`: PostgreSQL (postgres.ts).
 * - `pglite:<dir>`: embedded PGlite kept in `<dir>` (pglite.ts).
 * - `pglite:memory`: embedded PGlite in memory, gone when the process ends.
 */
import path from 'node:path';
import { type Config, loadConfig } from '../config.js';
import type { Database, DatabaseOptions } from './database.js';
import { openPostgres } from './postgres.js';

export { PrismaClient } from '../generated/prisma/client.js';
export type { Database, DatabaseOptions } from './database.js';
export type { Session } from './session.js';

type DatabaseTarget =
  | { kind: 'postgres'; connectionString: string }
  | { kind: 'pglite'; dataDir: string | null };

export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', connectionString: url };
  if (url === 'pglite:memory') return { kind: 'pglite', dataDir: null };
  if (url.startsWith('pglite:') && url.length > 'pglite:'.length) {
    return { kind: 'pglite', dataDir: path.resolve(url.slice('pglite:'.length)) };
  }
  throw new Error(
    'DATABASE_URL must be postgres://…, postgresql://…, pglite:<dir> or pglite:memory ' +
      `(got "${url.split(':')[0]}:…")`,
  );
}

/** The database settings of `config`. */
export const databaseOptions = (
  config: Pick<Config, 'DB_POOL_SIZE' | 'DB_POOL_TIMEOUT_MS' | 'DB_STATEMENT_TIMEOUT_MS'>,
): DatabaseOptions => ({
  poolSize: config.DB_POOL_SIZE,
  poolTimeoutMs: config.DB_POOL_TIMEOUT_MS,
  statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
});

/** Config's defaults (those of an empty environment), for callers that pass no options. */
export const DEFAULT_DATABASE_OPTIONS = databaseOptions(loadConfig({}));

export async function openDatabase(
  url: string,
  options: DatabaseOptions = DEFAULT_DATABASE_OPTIONS,
): Promise<Database> {
  const target = parseDatabaseUrl(url);
  if (target.kind === 'postgres') return openPostgres(target.connectionString, options);
  // Loaded here, not at the top: its WebAssembly and adapter are no cost to a PostgreSQL server.
  const { openPGlite } = await import('./pglite.js');
  return openPGlite(target.dataDir, options);
}
