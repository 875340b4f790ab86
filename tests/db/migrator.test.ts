/**
 * The offline migrator against a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL):
 * it must keep `_prisma_migrations` exactly as Prisma Migrate would.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checksumOf, MigrationError, type MigrationFile, readMigrations } from '../../src/db/migrator.js';
import { openThrowawayDatabase, type ThrowawayDatabase } from '../support/test-database.js';

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
  logs: string | null;
}

const rows = (db: ThrowawayDatabase) =>
  db.script<MigrationRow>('SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name');

const migration = (name: string, sql: string): MigrationFile => ({ name, sql, checksum: checksumOf(sql) });

let db: ThrowawayDatabase;
let shipped: MigrationFile[];
beforeAll(async () => {
  shipped = await readMigrations();
  db = await openThrowawayDatabase();
});
afterAll(() => db.drop());
// Each test may add migrations; put the bookkeeping back to what the shipped ones recorded.
beforeEach(() =>
  db.script(`
    DROP TABLE IF EXISTS extra_one, extra_two;
    DELETE FROM "_prisma_migrations" WHERE migration_name NOT IN (${shipped.map((m) => `'${m.name}'`).join(', ')});
  `),
);

describe('migrate', () => {
  it('records every shipped migration as Prisma does: file checksum, finished, one step', async () => {
    const recorded = await rows(db);
    expect(recorded.map((row) => row.migration_name)).toEqual(shipped.map((m) => m.name));
    for (const [index, row] of recorded.entries()) {
      expect(row.checksum).toBe(shipped[index]?.checksum);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it('applies nothing when every migration is recorded', async () => {
    const report = await db.migrate();
    expect(report).toEqual({ applied: [], alreadyApplied: shipped.map((m) => m.name) });
  });

  it('applies a pending migration once and records it', async () => {
    const extra = migration('29990101000000_extra', 'CREATE TABLE extra_one (id int);');
    expect((await db.migrate([...shipped, extra])).applied).toEqual([extra.name]);
    expect((await db.migrate([...shipped, extra])).applied).toEqual([]);
    expect((await rows(db)).at(-1)).toMatchObject({ migration_name: extra.name, checksum: extra.checksum });
    expect(await db.script('SELECT * FROM extra_one')).toEqual([]);
  });

  it('rolls a failing migration back whole and records nothing', async () => {
    const failing = migration(
      '29990101000000_failing',
      'CREATE TABLE extra_two (id int); SELECT * FROM no_such_table;',
    );
    await expect(db.migrate([...shipped, failing])).rejects.toThrow(MigrationError);
    const tables = await db.script("SELECT 1 FROM pg_tables WHERE tablename = 'extra_two'");
    expect(tables).toEqual([]);
    expect((await rows(db)).map((row) => row.migration_name)).toEqual(shipped.map((m) => m.name));
  });

  it('refuses to run when an applied migration was edited afterwards', async () => {
    const [first, ...rest] = shipped;
    if (!first) throw new Error('no shipped migration');
    const edited = {
      ...first,
      sql: `${first.sql}\n-- edited`,
      checksum: checksumOf(`${first.sql}\n-- edited`),
    };
    await expect(db.migrate([edited, ...rest])).rejects.toThrow(/was modified after it was applied/);
  });

  it('accepts an applied migration whose line endings git converted to CRLF', async () => {
    const crlf = shipped.map((m) => ({ ...m, sql: m.sql.replaceAll('\n', '\r\n') }));
    expect((await db.migrate(crlf)).applied).toEqual([]);
  });

  it('refuses to run while a failed migration is recorded and not rolled back', async () => {
    await db.script(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, applied_steps_count)
      VALUES ('00000000-0000-4000-8000-000000000001', '${'0'.repeat(64)}', '29990101000000_broken', 0)`);
    await expect(db.migrate()).rejects.toThrow(/29990101000000_broken failed earlier/);
  });
});
