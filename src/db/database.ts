import type { PrismaClient } from '../generated/prisma/client.js';
import type { MigrationFile, MigrationReport } from './migrator.js';
import type { Session } from './session.js';

/** Time limits and pool size of the connections the API's queries run on (from Config). */
export interface DatabaseOptions {
  /** Connections in a PostgreSQL pool (PGlite has one). */
  poolSize: number;
  /** Longest a query waits for a pooled connection, and a Prisma transaction for its start. */
  poolTimeoutMs: number;
  /** Longest an API statement (PostgreSQL) or Prisma transaction (both) may run. */
  statementTimeoutMs: number;
}

/** A connected database: the Prisma client the service uses, plus lifecycle operations. */
export interface Database {
  readonly kind: 'postgres' | 'pglite';
  readonly prisma: PrismaClient;
  /** Applies pending migrations: those of prisma/migrations unless `files` are given (see migrator.ts). */
  migrate(files?: MigrationFile[]): Promise<MigrationReport>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /**
   * A session below Prisma, without the API's statement timeout: the migrations and the import
   * run as long as they need. On PostgreSQL a connection of its own; PGlite has one session,
   * shared with Prisma.
   */
  openSession(): Promise<Session>;
  /** Disconnects Prisma and releases the driver (and flushes PGlite to disk). */
  close(): Promise<void>;
}

/** Prisma's interactive transactions wait for a connection and run under the same limits. */
export const transactionOptions = (options: DatabaseOptions) => ({
  maxWait: options.poolTimeoutMs,
  timeout: options.statementTimeoutMs,
});
