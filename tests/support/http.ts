/**
 * A real Songs API server on a free port, on its own throwaway database, plus a typed tRPC client:
 *
 *   await using server = await startTestServer();
 *   await server.client.song.create.mutate(…);
 *
 * Disposing it closes the server (as a shutdown signal would) and drops the database.
 */
import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '../../src/router.js';
import { serve } from '../../src/server.js';
import { testConfig } from './config.js';
import { openThrowawayDatabase, type ThrowawayDatabase } from './test-database.js';

export interface TestServer extends AsyncDisposable {
  /** `http://localhost:<port>` */
  url: string;
  client: TRPCClient<AppRouter>;
  database: ThrowawayDatabase;
  /** Every HTTP request the client made, in order. */
  requests: Request[];
}

export async function startTestServer(): Promise<TestServer> {
  const database = await openThrowawayDatabase();
  const running = await serve(database, testConfig());
  const requests: Request[] = [];
  const client = createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${running.url}/trpc`,
        transformer: superjson,
        fetch: (input, init) => {
          requests.push(new Request(input, init));
          return fetch(input, init);
        },
      }),
    ],
  });
  return {
    url: running.url,
    client,
    database,
    requests,
    [Symbol.asyncDispose]: async () => {
      await running.close();
      await database.drop();
    },
  };
}
