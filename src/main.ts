/**
 * `npm start`: opens the database named by DATABASE_URL, applies pending migrations, serves HTTP
 * on PORT, prints the URL once ready, and shuts down cleanly on SIGINT/SIGTERM (exit 0).
 */
import { createFirstStartKey } from './access/first-start.js';
import { loadConfig } from './config.js';
import { isFirstStartOfDefaultDatabase, seedDemoCatalogue } from './demo/seed.js';
import { type RunningServer, startServer } from './server.js';

let running: RunningServer | undefined;
let stopRequested = false;

function stop(): void {
  running?.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('Shutdown failed:', error);
      process.exit(1);
    },
  );
}

// Installed before anything starts, so that a signal during start-up (PGlite's first initdb takes
// seconds) also ends in a clean stop rather than Node's default kill.
function onSignal(signal: NodeJS.Signals): void {
  // A second signal must not cut a clean shutdown short: it only says what is happening.
  if (stopRequested) {
    console.log(`${signal} received; still shutting down`);
    return;
  }
  stopRequested = true;
  console.log(`${signal} received; shutting down`);
  stop(); // before start-up finished, main() stops as soon as the server exists
}
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

async function main(): Promise<void> {
  const config = loadConfig();
  // A fresh clone's `npm start` offers data: the default embedded database gets the demo
  // catalogue when this start creates it (docs/import.md). Checked before start-up creates it.
  const seedDemo = isFirstStartOfDefaultDatabase(config);
  running = await startServer(config);
  if (seedDemo && !stopRequested) await seedOnFirstStart(running);
  if (stopRequested) return stop();
  // Only for the database that was just seeded, never one named by DATABASE_URL.
  if (seedDemo) console.log(await createFirstStartKey(running.db.prisma, running.url));
  console.log(`Songs API listening on ${running.url} (tRPC at ${running.url}/trpc, ${running.db.kind})`);
}

/** Best effort: an API without demo data is still an API. */
async function seedOnFirstStart(server: RunningServer): Promise<void> {
  try {
    const { imported } = await seedDemoCatalogue(server.db);
    console.log(`First start: seeded ${imported} demo songs (npm run db:seed does it on demand)`);
  } catch (error) {
    console.error('Seeding the demo catalogue failed; starting without it:', error);
  }
}

main().catch((error: unknown) => {
  console.error('Songs API failed to start:', error);
  process.exit(1);
});
