/** A running Songs API: HTTP listening on a database, and a clean close. */

import { createServer, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, Server as NetServer } from 'node:net';
import { createApp } from './app.js';
import type { Config } from './config.js';
import { type Database, databaseOptions, openDatabase } from './db/index.js';
import { createLogger, type Logger } from './http/logging.js';

export interface RunningServer extends AsyncDisposable {
  /** `http://localhost:<port>`; the tRPC endpoint is `${url}/trpc`. */
  url: string;
  server: Server;
  db: Database;
  /**
   * Drains and stops: no new connections; a request that still arrives on an open keep-alive
   * socket is answered with `Connection: close`; resolves (after closing the database) as soon as
   * the requests in flight have finished, or after SHUTDOWN_GRACE_MS at most. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * While draining, how long an idle keep-alive socket may still bring a request (answered with
 * `Connection: close`) before it is closed. Closing it at once would reset a client that is
 * sending its next request at that moment; much longer would delay the exit.
 */
const DRAIN_IDLE_MS = 500;

/** Node checks header and request timeouts on this tick; a short timeout needs a short tick. */
const checkingInterval = (config: Config) => Math.min(1000, config.HTTP_HEADERS_TIMEOUT_MS);

/** Serves `db` over HTTP on `config.PORT` (0 picks a free one). Closing the server closes `db`. */
export async function serve(
  db: Database,
  config: Config,
  logger: Logger = createLogger(config),
): Promise<RunningServer> {
  const app = createApp(db, config, logger);
  let draining = false;
  const inFlight = new Set<ServerResponse>();
  // Slow clients cannot hold a socket for long: headers, then the whole request, within limits.
  const server = createServer(
    {
      requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
      headersTimeout: Math.min(config.HTTP_HEADERS_TIMEOUT_MS, config.HTTP_REQUEST_TIMEOUT_MS),
      keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      connectionsCheckingInterval: checkingInterval(config),
    },
    (req, res) => {
      // While draining, each response ends its connection, so keep-alive clients move elsewhere.
      if (draining) res.setHeader('Connection', 'close');
      inFlight.add(res);
      res.on('close', () => inFlight.delete(res));
      app(req, res);
    },
  );
  server.maxConnections = config.HTTP_MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, resolve);
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      draining = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      // Stop accepting. (http.Server#close would also end idle keep-alive sockets at once, which
      // resets a client whose next request is already on its way: net.Server#close does not.)
      // Resolves once every connection has ended.
      const stopped = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
      const idle = setTimeout(() => server.closeIdleConnections(), DRAIN_IDLE_MS);
      const force = setTimeout(() => server.closeAllConnections(), config.SHUTDOWN_GRACE_MS);
      await stopped;
      clearTimeout(idle);
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
  const db = await openDatabase(config.DATABASE_URL, databaseOptions(config));
  try {
    const { applied } = await db.migrate();
    if (applied.length > 0) console.log(`Applied migrations: ${applied.join(', ')}`);
    return await serve(db, config);
  } catch (error) {
    await db.close();
    throw error;
  }
}
