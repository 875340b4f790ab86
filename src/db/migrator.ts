/**
 * Applies prisma/migrations/<name>/migration.sql in order, recording each in Prisma Migrate's own
 * `_prisma_migrations` table, so that `prisma migrate status` and `prisma migrate deploy` agree with
 * it on a machine that has Prisma's schema engine.
 *
 * Why not `prisma migrate deploy`: the Prisma CLI needs its native schema engine, which cannot be
 * downloaded where this project is built, and it does not speak to the embedded PGlite database
 * either. This migrator needs neither.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Session } from './session.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations/', import.meta.url));

/**
 * Prisma Migrate's advisory lock key (schema-engine `sql_migration_connector`), so this migrator
 * and `prisma migrate deploy` also exclude each other.
 */
const ADVISORY_LOCK_KEY = 72707369;

/** One connection throughout: the advisory lock is held by a session. */
type MigrationSession = Pick<Session, 'query' | 'exec'>;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** SHA-256 of the script, hex: the checksum Prisma Migrate stores. */
export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/** Prisma accepts a checksum made from the script with either line ending (git may convert them). */
function checksumMatches(sql: string, checksum: string): boolean {
  const lf = sql.replaceAll('\r\n', '\n');
  return checksumOf(lf) === checksum || checksumOf(lf.replaceAll('\n', '\r\n')) === checksum;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  // Folder names start with a UTC timestamp, so name order is application order (as in Prisma).
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: checksumOf(sql) };
    }),
  );
}

// Prisma Migrate's own DDL for its bookkeeping table, so that its CLI reads ours unchanged.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
}

/**
 * Applies every pending migration, each in its own transaction together with its
 * `_prisma_migrations` row, under Prisma's advisory lock. Refuses to run when an applied
 * migration's file changed or a failed migration is recorded (as `prisma migrate deploy` does).
 */
async function migrate(session: MigrationSession, migrations?: MigrationFile[]): Promise<MigrationReport> {
  const files = migrations ?? (await readMigrations());
  await session.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
  try {
    await session.exec(CREATE_MIGRATIONS_TABLE);
    const { rows } = await session.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"
       WHERE rolled_back_at IS NULL ORDER BY started_at`,
    );
    const failed = rows.find((row) => row.finished_at === null);
    if (failed) {
      throw new MigrationError(
        `Migration ${failed.migration_name} failed earlier and is not marked as rolled back; ` +
          'fix the database, then mark it with `prisma migrate resolve`.',
      );
    }
    const applied = new Map(rows.map((row) => [row.migration_name, row.checksum]));
    const report: MigrationReport = { applied: [], alreadyApplied: [] };
    for (const file of files) {
      const checksum = applied.get(file.name);
      if (checksum !== undefined) {
        if (!checksumMatches(file.sql, checksum)) {
          throw new MigrationError(
            `Migration ${file.name} was modified after it was applied (checksum ${checksum} in the ` +
              `database, ${file.checksum} on disk). Applied migrations must not change: add a new one.`,
          );
        }
        report.alreadyApplied.push(file.name);
        continue;
      }
      await applyOne(session, file);
      report.applied.push(file.name);
    }
    return report;
  } finally {
    await session.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]);
  }
}

async function applyOne(session: MigrationSession, file: MigrationFile): Promise<void> {
  await session.exec('BEGIN');
  try {
    await session.exec(file.sql);
    await session.query(
      `INSERT INTO "_prisma_migrations"
         (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
      [randomUUID(), file.checksum, file.name],
    );
    await session.exec('COMMIT');
  } catch (error) {
    await session.exec('ROLLBACK');
    throw new MigrationError(`Migration ${file.name} failed and was rolled back`, { cause: error });
  }
}

/** Opens a session, applies the pending migrations in it, and closes it. */
export async function migrateInSession(
  openSession: () => Promise<Session>,
  migrations?: MigrationFile[],
): Promise<MigrationReport> {
  const session = await openSession();
  try {
    return await migrate(session, migrations);
  } finally {
    await session.close();
  }
}
