/** `npm run db:migrate`: applies pending migrations to DATABASE_URL and exits. */
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/index.js';

const db = await openDatabase(loadConfig().DATABASE_URL);
try {
  const { applied, alreadyApplied } = await db.migrate();
  console.log(
    applied.length > 0
      ? `Applied ${applied.length} migration(s): ${applied.join(', ')}`
      : `Database is up to date (${alreadyApplied.length} migration(s) applied earlier)`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.close();
}
