/**
 * @songs-api/client: a typed tRPC client for the Songs API.
 *
 *   const songs = createSongsClient({ url: 'http://localhost:3000/trpc' });
 *   const { items, total } = await songs.song.list.query({ artistContains: 'tides', orderBy: ['-streams'] });
 *
 * The types come from the server's own router, so the client cannot drift from the API. This entry
 * has no zod at run time: the input schemas are in `@songs-api/client/schemas`, the React Query
 * integration in `@songs-api/client/react`. scripts/build-client.ts bundles the three into
 * client/dist (client/README.md explains how server-only types are kept out of the .d.ts).
 */
import {
  createTRPCClient,
  httpBatchLink,
  type TRPCClient,
  TRPCClientError,
  type TRPCLink,
} from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import superjson from 'superjson';
import type { AppRouter } from '../../src/router.js';

export { calendarDateString, formatCalendarDate } from './calendar-date.js';
export type { AppRouter };

/** Every procedure's input, as a caller writes it: `RouterInputs['song']['list']`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Every procedure's output, as the client receives it: `RouterOutputs['song']['byId']`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** A song as every procedure returns it. */
export type Song = RouterOutputs['song']['byId'];
export type SongCreate = RouterInputs['song']['create'];
export type SongPatch = RouterInputs['song']['update']['data'];
// The listings may be called with no input at all (every field has a default), so tRPC types their
// input as `{ … } | void | undefined`; the object alone is what callers build.
export type SongListInput = Extract<RouterInputs['song']['list'], object>;
export type SongListOutput = RouterOutputs['song']['list'];
export type SongInfiniteInput = Extract<RouterInputs['song']['infinite'], object>;
export type SongInfiniteOutput = RouterOutputs['song']['infinite'];
/** The filter fields shared by `song.list` and `song.infinite`. */
export type SongFilter = Omit<SongListInput, 'orderBy' | 'limit' | 'offset'>;
/** One `orderBy` entry: a field, or `-field` for descending. */
export type SongSortKey = NonNullable<SongListInput['orderBy']>[number];

/**
 * The most calls one HTTP request carries. The server refuses bigger batches, so the batching link
 * splits anything larger into several requests by itself.
 */
export const MAX_BATCH_ITEMS = 20;

/** Header names and values sent with a request. */
export type SongsClientHeaders = Record<string, string>;

/** A Bearer credential, or a function that returns one (or nothing, for an anonymous call). */
export type SongsClientToken =
  | string
  | (() => string | null | undefined | Promise<string | null | undefined>);

export interface SongsClientOptions {
  /** The tRPC endpoint, e.g. `http://localhost:3000/trpc` (or `/trpc` on the same origin). */
  url: string;
  /**
   * An API key or JWT, sent as `Authorization: Bearer …` (writes need the `songs:write` scope).
   * A function is called for every HTTP request, so it can read a token that changes.
   */
  token?: SongsClientToken;
  /** Extra headers for every request: an object, or a function called for every request. */
  headers?: SongsClientHeaders | (() => SongsClientHeaders | Promise<SongsClientHeaders>);
  /**
   * A `fetch` to use instead of the global one (tests, server-side rendering, auth wrappers).
   * Typed as the platform's own `fetch` so that it and wrappers around it fit even under
   * `exactOptionalPropertyTypes`.
   */
  fetch?: typeof globalThis.fetch;
}

export type SongsClient = TRPCClient<AppRouter>;

async function requestHeaders(options: SongsClientOptions): Promise<SongsClientHeaders> {
  const headers = typeof options.headers === 'function' ? await options.headers() : { ...options.headers };
  const token = typeof options.token === 'function' ? await options.token() : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  return headers;
}

/**
 * The links `createSongsClient` uses, for integrations that build the tRPC client themselves.
 * superjson must match the server's transformer; it is what turns `createdAt` back into a `Date`.
 */
export function createSongsLinks(options: SongsClientOptions): TRPCLink<AppRouter>[] {
  return [
    httpBatchLink<AppRouter>({
      url: options.url,
      transformer: superjson,
      maxItems: MAX_BATCH_ITEMS,
      headers: () => requestHeaders(options),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    }),
  ];
}

/** A typed client: calls made in the same tick travel as one batched HTTP request (20 calls at most). */
export function createSongsClient(options: SongsClientOptions): SongsClient {
  return createTRPCClient<AppRouter>({ links: createSongsLinks(options) });
}

/** What a failed call rejects with: `error.data.code` is the tRPC code, `error.data.zodError` the field errors. */
export type SongsClientError = TRPCClientError<AppRouter>;

/** Narrows a caught value to a Songs API error (a `TRPCClientError` typed with this API's error shape). */
export function isSongsClientError(error: unknown): error is SongsClientError {
  return error instanceof TRPCClientError;
}
