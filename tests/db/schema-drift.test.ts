/**
 * prisma/schema.prisma and the hand-written migrations must describe the same database. Prisma's
 * own drift check (`prisma migrate diff`) needs its schema engine, which is not available where
 * this project is built, so this test compares Prisma's parsed schema (DMMF, from the same parser
 * `prisma generate` uses) with the catalog of a freshly migrated database.
 */
import { readFile } from 'node:fs/promises';
import internals from '@prisma/internals';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openThrowawayDatabase, type ThrowawayDatabase } from '../support/test-database.js';

type Model = Awaited<ReturnType<typeof internals.getDMMF>>['datamodel']['models'][number];
type Field = Model['fields'][number];

/** The PostgreSQL column type Prisma Migrate creates for a scalar field. */
function expectedColumnType(field: Field): string {
  const [nativeType, args = []] = (field.nativeType ?? []) as [string?, string[]?];
  switch (nativeType ?? field.type) {
    case 'Uuid':
      return 'uuid';
    case 'VarChar':
      return `character varying(${args[0]})`;
    case 'Date':
      return 'date';
    case 'Timestamptz':
      return `timestamp(${args[0] ?? 3}) with time zone`;
    case 'Float':
      return 'double precision';
    case 'String':
      return 'text';
    case 'DateTime':
      return 'timestamp(3) without time zone';
    default:
      throw new Error(`schema-drift: teach expectedColumnType about ${field.name}'s type`);
  }
}

let db: ThrowawayDatabase;
let models: readonly Model[];
let indexes: Awaited<ReturnType<typeof internals.getDMMF>>['datamodel']['indexes'];
beforeAll(async () => {
  const datamodel = await readFile(new URL('../../prisma/schema.prisma', import.meta.url), 'utf8');
  ({ models, indexes } = (await internals.getDMMF({ datamodel })).datamodel);
  db = await openThrowawayDatabase();
});
afterAll(() => db.drop());

describe('schema.prisma against the migrated database', () => {
  it('has a table for every model and no other table in public (but Prisma Migrate’s own)', async () => {
    const tables = await db.script<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    const expected = [...models.map((model) => model.dbName ?? model.name), '_prisma_migrations'].sort();
    expect(tables.map((table) => table.tablename)).toEqual(expected);
  });

  it('has, for every model, exactly its fields as columns of the right type and nullability', async () => {
    for (const model of models) {
      const columns = await db.script<{ column_name: string; type: string; not_null: boolean }>(`
        SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null
        FROM pg_attribute a
        WHERE a.attrelid = 'public.${model.dbName ?? model.name}'::regclass AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attname`);
      const expected = model.fields
        .filter((field) => field.kind === 'scalar')
        .map((field) => ({
          column_name: field.dbName ?? field.name,
          type: expectedColumnType(field),
          not_null: field.isRequired,
        }))
        .sort((a, b) => a.column_name.localeCompare(b.column_name));
      expect(columns, model.name).toEqual(expected);
    }
  });

  it('has every index, unique constraint and primary key of the schema, and no other', async () => {
    const columnOf = (model: string, field: string) => {
      const found = models.find((m) => m.name === model)?.fields.find((f) => f.name === field);
      return found?.dbName ?? field;
    };
    const expected = indexes.map((index) => {
      const model = models.find((m) => m.name === index.model);
      const table = model?.dbName ?? index.model;
      const name = index.type === 'id' ? `${table}_pkey` : index.dbName;
      const method = (index.algorithm ?? 'BTree').toLowerCase();
      const columns = index.fields
        .map((field) => [columnOf(index.model, field.name), field.operatorClass].filter(Boolean).join(' '))
        .join(', ');
      const unique = index.type === 'unique' || index.type === 'id' ? 'UNIQUE ' : '';
      return `CREATE ${unique}INDEX ${name} ON public.${table} USING ${method} (${columns})`;
    });
    const actual = await db.script<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'",
    );
    expect(actual.map((row) => row.indexdef).sort()).toEqual(expected.sort());
  });

  it('has a database default wherever the schema declares one Prisma leaves to the database', async () => {
    for (const model of models) {
      const defaults = await db.script<{ column_name: string }>(`
        SELECT column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = '${model.dbName ?? model.name}' AND column_default IS NOT NULL`);
      // uuid() and @updatedAt are filled in by Prisma Client, now() by the database.
      const expected = model.fields
        .filter(
          (field) => typeof field.default === 'object' && field.default !== null && 'name' in field.default,
        )
        .filter((field) => (field.default as { name: string }).name === 'now')
        .map((field) => field.dbName ?? field.name);
      expect(defaults.map((row) => row.column_name).sort()).toEqual(expected.sort());
    }
  });
});
