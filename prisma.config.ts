import { defineConfig } from 'prisma/config';

// Used by the Prisma CLI only (generate, and migrate/studio on machines that have Prisma's
// schema engine). The running service never reads this file: src/db/ builds its client from
// DATABASE_URL, including the embedded `pglite:` URLs that the CLI does not understand, so the
// CLI gets a datasource only when DATABASE_URL names a PostgreSQL server.
const url = process.env.DATABASE_URL;
const isPostgres = url !== undefined && /^postgres(ql)?:\/\//.test(url);

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  ...(isPostgres ? { datasource: { url } } : {}),
});
