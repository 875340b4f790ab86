/**
 * A real Songs API server on a free port, on its own throwaway database, plus typed tRPC clients:
 *
 *   await using server = await startTestServer();
 *   await server.writer.song.create.mutate(…);     // sends a songs:write API key
 *   await server.client.song.list.query({});       // sends no credential
 *
 * Disposing it closes the server (as a shutdown signal would) and drops the database.
 */
import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import superjson from 'superjson';
import { createApiKey } from '../../src/access/api-keys.js';
import type { AppRouter } from '../../src/router.js';
import { serve } from '../../src/server.js';
import { testConfig } from './config.js';
import { openThrowawayDatabase, type ThrowawayDatabase } from './test-database.js';

export interface TestServer extends AsyncDisposable {
  /** `http://localhost:<port>` */
  url: string;
  /** A client that sends no credential. */
  client: TRPCClient<AppRouter>;
  /** A client that sends `writerKey`. */
  writer: TRPCClient<AppRouter>;
  /** An API key with `songs:write`, created in this server's database. */
  writerKey: string;
  /** A client that sends `Authorization: Bearer <token>` (or nothing for `undefined`). */
  clientWith(token: string | undefined): TRPCClient<AppRouter>;
  database: ThrowawayDatabase;
  /** Every HTTP request the clients made, in order. */
  requests: Request[];
}

export interface TestServerOptions {
  /** Settings as environment strings, as in `.env` (`{ READ_ACCESS: 'token' }`). */
  env?: Record<string, string>;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = await openThrowawayDatabase();
  const { key: writerKey } = await createApiKey(database.prisma, {
    name: 'test-writer',
    scopes: ['songs:write'],
  });
  const running = await serve(database, testConfig(options.env));
  const requests: Request[] = [];
  const clientWith = (token: string | undefined) =>
    createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: `${running.url}/trpc`,
          transformer: superjson,
          headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
          fetch: (input, init) => {
            requests.push(new Request(input, init));
            return fetch(input, init);
          },
        }),
      ],
    });
  return {
    url: running.url,
    client: clientWith(undefined),
    writer: clientWith(writerKey),
    writerKey,
    clientWith,
    database,
    requests,
    [Symbol.asyncDispose]: async () => {
      await running.close();
      await database.drop();
    },
  };
}
