/**
 * `npm run db:migrate`: applies pending migrations to DATABASE_URL (read by loadConfig, .env
 * included) and exits (1 on failure).
 */
import { loadConfig } from '../src/config.js';
import { type Database, databaseOptions, openDatabase } from '../src/db/index.js';

let db: Database | undefined;
try {
  const config = loadConfig();
  db = await openDatabase(config.DATABASE_URL, databaseOptions(config));
  const { applied, alreadyApplied } = await db.migrate();
  console.log(
    applied.length > 0
      ? `Applied ${applied.length} migration(s): ${applied.join(', ')}`
      : `Database is up to date (${alreadyApplied.length} migration(s) applied earlier)`,
  );
} catch (error) {
  console.error(`Migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await db?.close();
}
