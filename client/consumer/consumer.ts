/**
 * A frontend's view of @songs-api/client. scripts/check-client-package.ts copies this file into
 * scratch projects that have only the packed client and the packages a user would install,
 * type-checks it (NodeNext and Bundler resolution, skipLibCheck off, no @types/node), compiles it
 * and runs `exercise` against a live server, once west and once east of UTC. Every
 * `@ts-expect-error` below marks a mistake that must keep failing to compile: if one starts
 * compiling, tsc reports the directive as unused and the check fails.
 */
import {
  type AppRouter,
  calendarDateString,
  createSongsClient,
  formatCalendarDate,
  isSongsClientError,
  MAX_BATCH_ITEMS,
  type RouterInputs,
  type RouterOutputs,
  type Song,
  type SongFilter,
  type SongInfiniteInput,
  type SongInfiniteOutput,
  type SongListInput,
  type SongListOutput,
  type SongSortKey,
} from '@songs-api/client';
import { songCreateSchema, songListInput, songPatchSchema } from '@songs-api/client/schemas';
import type { inferRouterOutputs } from '@trpc/server';

/** Compile-time equality, so the shapes below are pinned exactly rather than merely assignable. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<_T extends true>(): void {}

/** How `releasedOn` arrives: a "YYYY-MM-DD" string (CONTRACT.md), so no time zone can shift it. */
type ReleasedOn = string;

// Outputs are plain objects, not Prisma types; the instants are Dates.
type PlainSong = {
  id: string;
  name: string;
  artist: string;
  streams: number;
  releasedOn: ReleasedOn;
  createdAt: Date;
  updatedAt: Date;
};
assertType<Equal<Song, PlainSong>>();
assertType<Equal<SongListOutput, { items: PlainSong[]; total: number; limit: number; offset: number }>>();
assertType<Equal<SongInfiniteOutput, { items: PlainSong[]; nextCursor: string | null }>>();
assertType<Equal<RouterOutputs, inferRouterOutputs<AppRouter>>>();
assertType<
  Equal<
    SongSortKey,
    | 'name'
    | 'artist'
    | 'streams'
    | 'releasedOn'
    | 'createdAt'
    | '-name'
    | '-artist'
    | '-streams'
    | '-releasedOn'
    | '-createdAt'
  >
>();
assertType<Equal<RouterInputs['song']['byId'], { id: string }>>();

/**
 * Runs every procedure once; the check's runner calls it with the live server's tRPC URL and a
 * credential allowed to write (empty when the server asks for none).
 */
export async function exercise(url: string, token: string): Promise<string[]> {
  let requests = 0;
  const countingFetch: typeof fetch = (input, init) => {
    requests += 1;
    return fetch(input, init);
  };
  const songs = createSongsClient({
    url,
    token: async () => token || undefined,
    headers: () => ({ 'x-consumer-check': '1' }),
    fetch: countingFetch,
  });
  const report: string[] = [];

  const created = await songs.song.create.mutate({
    name: 'Levitating',
    artist: 'Dua Lipa',
    streams: 2.1,
    releasedOn: '2020-03-27',
  });
  const releasedOn: ReleasedOn = created.releasedOn;
  // The same calendar day whatever the process's time zone (the runner sets TZ).
  report.push(
    `create ${created.id} releasedOn=${calendarDateString(releasedOn)} (${formatCalendarDate(releasedOn, 'en-US')})`,
  );

  const found = await songs.song.byId.query({ id: created.id });
  report.push(`byId ${found.name}`);

  const updated = await songs.song.update.mutate({ id: created.id, data: { streams: 2.2 } });
  report.push(`update streams=${updated.streams}`);

  const filter: SongFilter = { artistContains: 'dua lipa', releasedOnGte: '2020-01-01' };
  const listInput: SongListInput = { ...filter, orderBy: ['-streams', 'name'], limit: 10, offset: 0 };
  const page = await songs.song.list.query(listInput);
  report.push(`list total=${page.total} first=${page.items[0]?.name}`);

  const infiniteInput: SongInfiniteInput = { ...filter, orderBy: ['releasedOn'], limit: 1, cursor: null };
  const first = await songs.song.infinite.query(infiniteInput);
  const cursor: string | null = first.nextCursor;
  report.push(`infinite items=${first.items.length} nextCursor=${cursor === null ? 'null' : 'string'}`);

  try {
    await songs.song.create.mutate({ name: '', artist: 'Nobody', streams: 1, releasedOn: '2020-01-01' });
    report.push('create with an empty name: no error');
  } catch (error) {
    if (!isSongsClientError(error)) throw error;
    const nameErrors: string[] | undefined = error.data?.zodError?.fieldErrors.name;
    report.push(`error ${error.data?.code} name=${nameErrors?.length ?? 0}`);
  }

  // More calls than one batch may carry: the link splits them, so the server never refuses one.
  requests = 0;
  const many = await Promise.all(
    Array.from({ length: MAX_BATCH_ITEMS * 2 + 1 }, () => songs.song.byId.query({ id: created.id })),
  );
  report.push(`batch calls=${many.length} requests=${requests}`);

  const deleted = await songs.song.delete.mutate({ id: created.id });
  report.push(`delete ${deleted.id === created.id}`);
  return report;
}

// The shared zod schemas validate forms with the server's own rules.
export const formCheck = songCreateSchema.safeParse({
  name: ' ',
  artist: 'x',
  streams: 1,
  releasedOn: '2020-02-30',
});
export const patchCheck = songPatchSchema.safeParse({});
export const listDefaults = songListInput.parse(undefined);

/** Mistakes a frontend must not be able to compile. */
export async function mistakes(url: string): Promise<void> {
  const songs = createSongsClient({ url });

  // @ts-expect-error: limit is a number, not a string
  await songs.song.list.query({ limit: '10' });
  // @ts-expect-error: filters are a closed object; there is no `genre` filter
  await songs.song.list.query({ genre: 'pop' });
  // @ts-expect-error: unknown filter keys are rejected by song.infinite too
  await songs.song.infinite.query({ artistLike: 'dua' });
  // @ts-expect-error: `popularity` is not a sort key
  await songs.song.list.query({ orderBy: ['popularity'] });
  // @ts-expect-error: `+name` is not a sort key either (only `-` prefixes)
  await songs.song.infinite.query({ orderBy: ['+name'] });
  // @ts-expect-error: a song needs a name
  await songs.song.create.mutate({ artist: 'Dua Lipa', streams: 1, releasedOn: '2020-03-27' });
  // @ts-expect-error: streams is a number
  await songs.song.create.mutate({ name: 'x', artist: 'y', streams: '1', releasedOn: '2020-03-27' });
  // @ts-expect-error: ids are strings
  await songs.song.byId.query({ id: 42 });
  // @ts-expect-error: update takes its changes under `data`
  await songs.song.update.mutate({ id: 'a', name: 'x' });
  // @ts-expect-error: there is no song.remove procedure
  await songs.song.remove.mutate({ id: 'a' });
  // @ts-expect-error: queries are not mutations
  await songs.song.list.mutate({});

  const song = await songs.song.byId.query({ id: 'a' });
  // @ts-expect-error: createdAt is an instant, a Date, not a string
  const createdAt: string = song.createdAt;
  // @ts-expect-error: outputs carry nothing from the database layer
  song.$prisma;
  // @ts-expect-error: a token is a string or a function returning one, not a number
  createSongsClient({ url, token: 42 });
  void createdAt;
}
