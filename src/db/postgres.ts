/** PostgreSQL: Prisma over a `pg` pool (`@prisma/adapter-pg`), sessions on connections of their own. */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { PrismaClient } from '../generated/prisma/client.js';
import { type Database, type DatabaseOptions, transactionOptions } from './database.js';
import { migrateInSession } from './migrator.js';
import type { Session } from './session.js';

export function openPostgres(connectionString: string, options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize,
    // pg-pool applies it to waiting for a free connection as well as to opening one.
    connectionTimeoutMillis: options.poolTimeoutMs,
    // Sent at connection start-up: every statement on the pool's connections is bounded.
    statement_timeout: options.statementTimeoutMs,
    application_name: 'songs-api',
  });
  // A checked-out connection that the server ends (shutdown, restart: SQLSTATE 57P01) emits
  // 'error' while no query listens, and an unheard 'error' crashes the process. The query using it
  // fails on its own, and errors.ts maps that to a 503.
  pool.on('connect', (client) => client.on('error', () => {}));
  const adapter = new PrismaPg(pool, {
    // An idle pooled connection that the server ends (restart, failover) is dropped by the pool and
    // replaced on next use; say so in the log instead of failing silently.
    onPoolError: (error) => console.warn(`PostgreSQL pool: idle connection lost (${error.message})`),
    // The pool is ours, but nothing else uses it: prisma.$disconnect() ends it.
    disposeExternalPool: true,
  });
  const prisma = new PrismaClient({ adapter, transactionOptions: transactionOptions(options) });
  const openSession = () => openPostgresSession(connectionString);
  return {
    kind: 'postgres',
    prisma,
    migrate: (files) => migrateInSession(openSession, files),
    ping: async () => {
      await prisma.$queryRaw`SELECT 1`;
    },
    openSession,
    close: () => prisma.$disconnect(),
  };
}

/** A connection outside the pool: no statement timeout, and session state (locks, temp tables) of its own. */
async function openPostgresSession(connectionString: string): Promise<Session> {
  const client = new pg.Client({ connectionString, application_name: 'songs-api session' });
  // A connection the server ends between queries fails the next query; it must not crash the process.
  client.on('error', () => {});
  await client.connect();
  return {
    query: async <Row>(sql: string, params?: unknown[]) => {
      const result = await client.query(sql, params);
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
    },
    exec: async <Row>(sql: string) => {
      // A script of several statements answers one result per statement.
      const results = (await client.query(sql)) as unknown as pg.QueryResult | pg.QueryResult[];
      const last = Array.isArray(results) ? results.at(-1) : results;
      return (last?.rows ?? []) as Row[];
    },
    copyIn: async (table, columns, data) => {
      const sink = client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN`));
      await pipeline(Readable.from([data]), sink);
    },
    // Ending the connection rolls back what is open and drops its temporary tables.
    close: () => client.end(),
  };
}
