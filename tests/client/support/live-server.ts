/**
 * The real Express app (createApp: /trpc, and the songs page at `/` when web/dist is built) on a
 * free port, for driving the built client and the page over HTTP.
 *
 *   await using server = await startLiveServer({ database, closeDatabase: () => database.drop() });
 *   const songs = createSongsClient({ url: server.trpcUrl });
 *
 * `config` takes environment values as tests/support/config.ts does (`{ CORS_ORIGINS: … }`).
 * Disposing the server ends its connections, then closes the database.
 */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../../src/app.js';
import type { Database } from '../../../src/db/index.js';
import { testConfig } from '../../support/config.js';

export interface LiveServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** The tRPC endpoint a client is created with. */
  readonly trpcUrl: string;
}

/** Any request handler on a free port of 127.0.0.1; `close` runs after the server has closed. */
export async function listen(handler: RequestListener, close = async () => {}): Promise<LiveServer> {
  const server = createServer(handler);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
  } catch (error) {
    await close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    trpcUrl: `${origin}/trpc`,
    async [Symbol.asyncDispose]() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive sockets (the client's fetch, the browser) would otherwise hold close() open.
      server.closeAllConnections();
      await closed;
      await close();
    },
  };
}

export function startLiveServer(options: {
  database: Pick<Database, 'prisma' | 'ping'>;
  closeDatabase: () => Promise<void>;
  config?: Record<string, string>;
}): Promise<LiveServer> {
  const app = createApp(options.database, testConfig(options.config));
  return listen(app, options.closeDatabase);
}
