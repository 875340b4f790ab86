/**
 * @songs-api/client: a typed tRPC client for the Songs API.
 *
 *   const songs = createSongsClient({ url: 'http://localhost:3000/trpc' });
 *   const { items, total } = await songs.song.list.query({ artistContains: 'dua', orderBy: ['-streams'] });
 *
 * Everything here is built from the server's own router type and zod schemas, so the client cannot
 * drift from the API. scripts/build-client.ts bundles it into client/dist (see client/README.md for
 * how the published .d.ts is kept free of server-only types such as Prisma's).
 */
import {
  createTRPCClient,
  type HTTPBatchLinkOptions,
  httpBatchLink,
  type TRPCClient,
  TRPCClientError,
  type TRPCLink,
} from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import superjson from 'superjson';
import type { AppRouter } from '../../src/router.js';

export type { AppRouter };

/** Every procedure's input, as a caller writes it: `RouterInputs['song']['list']`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Every procedure's output, as the client receives it (Dates as `Date`): `RouterOutputs['song']['byId']`. */
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

// The server's own input schemas (zod only), for frontends that validate forms before sending.
export {
  ORDER_BY_MAX_KEYS,
  orderBySchema,
  PAGE_LIMIT_DEFAULT,
  PAGE_LIMIT_MAX,
  SORT_FIELDS,
  songByIdInput,
  songCreateSchema,
  songDeleteInput,
  songFilterSchema,
  songIdSchema,
  songInfiniteInput,
  songInfiniteOutput,
  songListInput,
  songListOutput,
  songPatchSchema,
  songSchema,
  songUpdateInput,
  TEXT_MAX_LENGTH,
} from '../../src/songs/schemas.js';

type BatchLinkOptions = HTTPBatchLinkOptions<AppRouter['_def']['_config']['$types']>;

export interface SongsClientOptions {
  /** The tRPC endpoint, e.g. `http://localhost:3000/trpc`. */
  url: string;
  /** Sent with every request: an object, or a function called per batch (e.g. to read a token). */
  headers?: BatchLinkOptions['headers'];
  /**
   * A `fetch` to use instead of the global one (tests, server-side rendering, auth wrappers).
   * Typed as the platform's own `fetch` rather than tRPC's looser `FetchEsque`, so that `fetch`
   * and wrappers around it fit even under `exactOptionalPropertyTypes`.
   */
  fetch?: typeof globalThis.fetch;
}

export type SongsClient = TRPCClient<AppRouter>;

/**
 * The links `createSongsClient` uses, for integrations that build the tRPC client themselves
 * (e.g. `createTRPCReact<AppRouter>().createClient({ links: createSongsLinks({ url }) })`).
 * superjson must match the server's transformer; it is what turns dates back into `Date`s.
 */
export function createSongsLinks(options: SongsClientOptions): TRPCLink<AppRouter>[] {
  return [
    httpBatchLink<AppRouter>({
      url: options.url,
      transformer: superjson,
      ...(options.headers === undefined ? {} : { headers: options.headers }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    }),
  ];
}

/** A typed client: calls made in the same tick travel as one batched HTTP request. */
export function createSongsClient(options: SongsClientOptions): SongsClient {
  return createTRPCClient<AppRouter>({ links: createSongsLinks(options) });
}

/** What a failed call rejects with: `error.data.code` is the tRPC code, `error.data.zodError` the field errors. */
export type SongsClientError = TRPCClientError<AppRouter>;

/** Narrows a caught value to a Songs API error (a `TRPCClientError` typed with this API's error shape). */
export function isSongsClientError(error: unknown): error is SongsClientError {
  return error instanceof TRPCClientError;
}
