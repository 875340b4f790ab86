/**
 * The real Express app (createApp) on a free port, for driving the built client over HTTP.
 *
 *   await using server = await startLiveServer({ database, closeDatabase: () => database.drop() });
 *   const songs = createSongsClient({ url: server.trpcUrl });
 *
 * `pages` are served from the same origin as /trpc, so a browser page can call the API without
 * CORS (the app deliberately has none). Disposing the server ends its connections, then closes
 * the database.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../../src/app.js';
import type { Database } from '../../../src/db/index.js';
import { testConfig } from '../../support/config.js';

export interface StaticPage {
  contentType: string;
  body: string;
}

export interface LiveServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** The tRPC endpoint a client is created with. */
  readonly trpcUrl: string;
}

export async function startLiveServer(options: {
  database: Pick<Database, 'prisma' | 'ping'>;
  closeDatabase: () => Promise<void>;
  pages?: Readonly<Record<string, StaticPage>>;
}): Promise<LiveServer> {
  const app = createApp(options.database, testConfig());
  const pages = options.pages ?? {};
  const server = createServer((request, response) => {
    const page = request.method === 'GET' ? pages[request.url ?? ''] : undefined;
    if (!page) {
      app(request, response);
      return;
    }
    response.writeHead(200, { 'content-type': page.contentType, 'cache-control': 'no-store' });
    response.end(page.body);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
  } catch (error) {
    await options.closeDatabase();
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
      await options.closeDatabase();
    },
  };
}
