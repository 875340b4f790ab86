/**
 * The one place that turns a DATABASE_URL into a Prisma client (and a migrator connection):
 *
 * - `postgres://…` / `postgresql://…`: PostgreSQL through `@prisma/adapter-pg` (a `pg` pool).
 * - `pglite:<dir>`: embedded PGlite (PostgreSQL compiled to WebAssembly) kept in `<dir>`.
 * - `pglite:memory`: embedded PGlite in memory, gone when the process ends.
 *
 * PGlite is reached in-process through `pglite-prisma-adapter` rather than by serving it over a
 * socket to the `pg` adapter: no TCP hop or wire-protocol encoding per query, and PGlite allows a
 * single connection anyway (README "Database" has the measurements).
 */
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { DEFAULT_DATABASE_URL } from '../config.js';
import { PrismaClient } from '../generated/prisma/client.js';
import { type MigrationFile, type MigrationReport, type MigrationSession, migrate } from './migrator.js';
import { lockDataDir } from './pglite-lock.js';

export { PrismaClient };

export type DatabaseTarget =
  | { kind: 'postgres'; connectionString: string }
  | { kind: 'pglite'; dataDir: string | null };

export function parseDatabaseUrl(url: string = DEFAULT_DATABASE_URL): DatabaseTarget {
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

/** A connected database: the Prisma client the service uses, plus lifecycle operations. */
export interface Database {
  readonly kind: DatabaseTarget['kind'];
  readonly prisma: PrismaClient;
  /** Applies pending migrations: those of prisma/migrations unless `files` are given (see migrator.ts). */
  migrate(files?: MigrationFile[]): Promise<MigrationReport>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Disconnects Prisma and releases the driver (and flushes PGlite to disk). */
  close(): Promise<void>;
  /**
   * The driver below Prisma, for the bulk import path only (src/import/song-bulk-writer.ts): it
   * needs COPY, which Prisma cannot express. Optional so that hand-made Database doubles need not
   * provide it.
   */
  readonly driver?: DatabaseDriver;
}

/** Raw access to the database a `Database` wraps (see `Database.driver`). */
export type DatabaseDriver =
  | { kind: 'postgres'; connectionString: string }
  | { kind: 'pglite'; pglite: PGlite };

/** PGlite with the extensions the migrations use (it loads extensions only at construction). */
export async function createPGlite(
  dataDir: string | null,
  options: { loadDataDir?: Blob | File } = {},
): Promise<PGlite> {
  return PGlite.create({
    ...(dataDir === null ? {} : { dataDir }),
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    extensions: { pg_trgm },
  });
}

export function databaseFromPGlite(pglite: PGlite): Database {
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  const session: MigrationSession = {
    query: async <Row>(sql: string, params?: unknown[]) => (await pglite.query<Row>(sql, params)).rows,
    exec: async (sql) => {
      await pglite.exec(sql);
    },
  };
  return {
    kind: 'pglite',
    prisma,
    driver: { kind: 'pglite', pglite },
    migrate: (files) => migrate(session, files),
    ping: async () => {
      await pglite.query('SELECT 1');
    },
    close: async () => {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
    },
  };
}

export function databaseFromPostgres(connectionString: string): Database {
  const pool = new pg.Pool({ connectionString });
  // A checked-out connection that the server ends (shutdown, restart: SQLSTATE 57P01) emits
  // 'error' while no query listens; without a listener that crashes the process. The query or
  // transaction using it fails on its own, and is mapped to a 503.
  pool.on('connect', (client) => client.on('error', () => {}));
  const adapter = new PrismaPg(
    pool,
    // An idle pooled connection that the server ends (restart, failover) is dropped by the pool and
    // replaced on next use; say so in the log instead of failing silently.
    {
      onPoolError: (error) => console.warn(`PostgreSQL pool: idle connection lost (${error.message})`),
      disposeExternalPool: true,
    },
  );
  const prisma = new PrismaClient({ adapter });
  return {
    kind: 'postgres',
    prisma,
    driver: { kind: 'postgres', connectionString },
    // A dedicated connection, not the pool: the advisory lock belongs to one session.
    migrate: async (files) => {
      const client = new pg.Client({ connectionString });
      await client.connect();
      try {
        const session: MigrationSession = {
          query: async <Row>(sql: string, params?: unknown[]) =>
            (await client.query(sql, params)).rows as Row[],
          exec: async (sql) => {
            await client.query(sql);
          },
        };
        return await migrate(session, files);
      } finally {
        await client.end();
      }
    },
    ping: async () => {
      await prisma.$queryRaw`SELECT 1`;
    },
    close: () => prisma.$disconnect(),
  };
}

export async function openDatabase(url?: string): Promise<Database> {
  const target = parseDatabaseUrl(url);
  if (target.kind === 'postgres') return databaseFromPostgres(target.connectionString);
  if (target.dataDir === null) return databaseFromPGlite(await createPGlite(null));
  const unlock = lockDataDir(target.dataDir);
  try {
    const db = databaseFromPGlite(await createPGlite(target.dataDir));
    return {
      ...db,
      close: async () => {
        try {
          await db.close();
        } finally {
          unlock();
        }
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}
