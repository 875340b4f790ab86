/** `npm run keys -- create|list|revoke …`: manages API keys in DATABASE_URL (see src/access/keys-command.ts). */
import { runKeysCommand } from '../src/access/keys-command.js';
import { loadConfig } from '../src/config.js';
import { type Database, openDatabase } from '../src/db/index.js';

let db: Database | undefined;
let exitCode = 1;
try {
  db = await openDatabase(loadConfig().DATABASE_URL);
  await db.migrate();
  const result = await runKeysCommand(db.prisma, process.argv.slice(2));
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  exitCode = result.exitCode;
} catch (error) {
  console.error(`keys failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await db?.close();
}
// Set after closing: PGlite's shutdown resets process.exitCode.
process.exitCode = exitCode;
