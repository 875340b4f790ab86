/**
 * @songs-api/client/react: TanStack React Query for the Songs API, through tRPC's own adapter.
 *
 *   const { queryClient, trpcClient } = createSongsReactClients({ url: '/trpc' });
 *   <QueryClientProvider client={queryClient}>
 *     <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>…</TRPCProvider>
 *   </QueryClientProvider>
 *   // in a component: const trpc = useTRPC(); useQuery(trpc.song.list.queryOptions({ limit: 20 }));
 *
 * React, @tanstack/react-query and @trpc/tanstack-react-query are optional peer dependencies:
 * only this entry needs them.
 */
import { QueryClient, type QueryClientConfig } from '@tanstack/react-query';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import {
  type AppRouter,
  createSongsClient,
  isSongsClientError,
  type SongsClient,
  type SongsClientOptions,
} from './index.js';

// Annotated by name, so the published .d.ts refers to AppRouter rather than spelling it out again.
type SongsTRPCContext = ReturnType<typeof createTRPCContext<AppRouter>>;
const songsContext: SongsTRPCContext = createTRPCContext<AppRouter>();

/** Provides the tRPC client and query client to `useTRPC` below (inside a `QueryClientProvider`). */
export const TRPCProvider: SongsTRPCContext['TRPCProvider'] = songsContext.TRPCProvider;
/** `useTRPC().song.list.queryOptions(…)`, `.infiniteQueryOptions(…)`, `.mutationOptions()`, typed per procedure. */
export const useTRPC: SongsTRPCContext['useTRPC'] = songsContext.useTRPC;
/** The tRPC client given to `TRPCProvider`, for imperative calls. */
export const useTRPCClient: SongsTRPCContext['useTRPCClient'] = songsContext.useTRPCClient;

export interface SongsReactClientsOptions extends SongsClientOptions {
  /** Passed to `new QueryClient(…)`; the defaults below apply where it says nothing. */
  queryClient?: QueryClientConfig;
}

export interface SongsReactClients {
  queryClient: QueryClient;
  trpcClient: SongsClient;
}

/** A 4xx answer (bad input, not found, no credential…) will not change on a retry. */
function shouldRetry(failureCount: number, error: unknown): boolean {
  const status = isSongsClientError(error) ? error.data?.httpStatus : undefined;
  if (status !== undefined && status >= 400 && status < 500) return false;
  return failureCount < 2;
}

/** The query client and the tRPC client together, for `QueryClientProvider` and `TRPCProvider`. */
export function createSongsReactClients(options: SongsReactClientsOptions): SongsReactClients {
  const { queryClient: config, ...clientOptions } = options;
  const queryClient = new QueryClient({
    ...config,
    defaultOptions: {
      ...config?.defaultOptions,
      queries: { retry: shouldRetry, staleTime: 30_000, ...config?.defaultOptions?.queries },
    },
  });
  return { queryClient, trpcClient: createSongsClient(clientOptions) };
}
