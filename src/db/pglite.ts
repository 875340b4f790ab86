/**
 * PGlite (PostgreSQL compiled to WebAssembly, in this process), reached through
 * `pglite-prisma-adapter` rather than served over a socket to the `pg` adapter: no TCP hop or
 * wire-protocol encoding per query, and PGlite allows a single connection anyway. Loaded by
 * openDatabase only when a pglite: URL is opened, so a PostgreSQL server never loads it.
 */
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.js';
import { type Database, type DatabaseOptions, transactionOptions } from './database.js';
import { migrateInSession } from './migrator.js';
import { lockDataDir } from './pglite-lock.js';
import type { Session } from './session.js';

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

/**
 * `pglite` as a Database. PGlite runs one statement at a time and has no statement timeout
 * (nothing can interrupt it); Prisma's transaction limits still apply.
 */
export function databaseFromPGlite(pglite: PGlite, options: DatabaseOptions): Database {
  const prisma = new PrismaClient({
    adapter: new PrismaPGlite(pglite),
    transactionOptions: transactionOptions(options),
  });
  const openSession = async () => pgliteSession(pglite);
  return {
    kind: 'pglite',
    prisma,
    migrate: (files) => migrateInSession(openSession, files),
    ping: async () => {
      await pglite.query('SELECT 1');
    },
    openSession,
    close: async () => {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
    },
  };
}

/** PGlite's one session, shared with Prisma: closing it leaves it as a fresh session would be. */
function pgliteSession(pglite: PGlite): Session {
  return {
    query: async <Row>(sql: string, params?: unknown[]) => {
      const result = await pglite.query<Row>(sql, params);
      return { rows: result.rows, rowCount: result.affectedRows ?? 0 };
    },
    exec: async <Row>(sql: string) => ((await pglite.exec(sql)).at(-1)?.rows ?? []) as Row[],
    // PGlite's way of feeding COPY from memory.
    copyIn: async (table, columns, data) => {
      await pglite.query(`COPY ${table} (${columns}) FROM '/dev/blob'`, [], { blob: new Blob([data]) });
    },
    close: async () => {
      if (pglite.closed) return;
      if (pglite.isInTransaction()) await pglite.exec('ROLLBACK');
      await pglite.exec('DISCARD TEMP');
    },
  };
}

/** Opens PGlite in `dataDir` (locked against other processes), or in memory when null. */
export async function openPGlite(dataDir: string | null, options: DatabaseOptions): Promise<Database> {
  if (dataDir === null) return databaseFromPGlite(await createPGlite(null), options);
  const unlock = lockDataDir(dataDir);
  try {
    const db = databaseFromPGlite(await createPGlite(dataDir), options);
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
