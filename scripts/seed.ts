/**
 * `npm run db:seed`: loads the demo catalogue (300 made-up songs, src/import/demo-catalogue.ts)
 * into the database named by DATABASE_URL, applying migrations first. Idempotent: songs already
 * there are skipped.
 */
import { DEFAULT_DATABASE_URL } from '../src/config.js';
import { openDatabase } from '../src/db/index.js';
import { formatImportReport } from '../src/import/report.js';
import { seedDemoCatalogue } from '../src/import/seed.js';

const db = await openDatabase(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
try {
  await db.migrate();
  const report = await seedDemoCatalogue(db);
  console.log(formatImportReport(report, { source: 'the demo catalogue' }));
  process.exitCode = report.rejected > 0 || report.stopped !== null ? 1 : 0;
} finally {
  await db.close();
}
