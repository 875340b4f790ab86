/**
 * `npm start`: opens the database named by DATABASE_URL, applies pending migrations, serves HTTP
 * on PORT, prints the URL once ready, and shuts down cleanly on SIGINT/SIGTERM (exit 0).
 */
import { loadConfig } from './config.js';
import { startServer } from './server.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const running = await startServer({ databaseUrl: config.DATABASE_URL, port: config.PORT });
  console.log(`Songs API listening on ${running.url} (tRPC at ${running.url}/trpc, ${running.db.kind})`);

  const shutdown = (signal: NodeJS.Signals) => {
    // A second signal must not cut a clean shutdown short: it only says what is happening.
    if (shuttingDown) {
      console.log(`${signal} received; still shutting down`);
      return;
    }
    shuttingDown = true;
    console.log(`${signal} received; shutting down`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  let shuttingDown = false;
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error('Songs API failed to start:', error);
  process.exit(1);
});
