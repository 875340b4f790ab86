/**
 * `npm run db:seed`: loads the demo catalogue (300 made-up songs, src/demo/catalogue.ts) into the
 * database named by DATABASE_URL (read by loadConfig, .env included), applying migrations first.
 * Idempotent: songs already there are skipped.
 */
import { loadConfig } from '../src/config.js';
import { databaseOptions, openDatabase } from '../src/db/index.js';
import { seedDemoCatalogue } from '../src/demo/seed.js';
import { formatImportReport } from '../src/import/report.js';

const config = loadConfig();
const db = await openDatabase(config.DATABASE_URL, databaseOptions(config));
try {
  await db.migrate();
  const report = await seedDemoCatalogue(db);
  console.log(formatImportReport(report, { source: 'the demo catalogue' }));
  process.exitCode = report.rejected > 0 || report.stopped !== null ? 1 : 0;
} finally {
  await db.close();
}
