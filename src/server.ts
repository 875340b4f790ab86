/** A running Songs API: HTTP listening on a database, and a clean close. */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { type Database, openDatabase } from './db/index.js';

export interface RunningServer extends AsyncDisposable {
  /** `http://localhost:<port>`; the tRPC endpoint is `${url}/trpc`. */
  url: string;
  server: Server;
  db: Database;
  /** Stops accepting, lets in-flight requests finish, closes the database. Idempotent. */
  close(): Promise<void>;
}

/** Serves `db` over HTTP on `config.PORT` (0 picks a free one). Closing the server closes `db`. */
export async function serve(db: Database, config: Config): Promise<RunningServer> {
  const app = createApp(db, config);
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, resolve);
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets with no request in flight would hold close() open: end them now.
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), config.SHUTDOWN_GRACE_MS);
      await stopped;
      clearTimeout(force);
      await app.locals.close?.();
      await db.close();
    })();
    return closing;
  };
  return { url: `http://localhost:${port}`, server, db, close, [Symbol.asyncDispose]: close };
}

/** Opens the database named by `config.DATABASE_URL`, applies pending migrations, then serves it. */
export async function startServer(config: Config): Promise<RunningServer> {
  const db = await openDatabase(config.DATABASE_URL);
  try {
    const { applied } = await db.migrate();
    if (applied.length > 0) console.log(`Applied migrations: ${applied.join(', ')}`);
    return await serve(db, config);
  } catch (error) {
    await db.close();
    throw error;
  }
}
