/**
 * What one song.list page of 50 costs the server between Prisma and the socket, in CPU alone:
 * the output validation tRPC runs (`.output(songListOutput)`), superjson's serialize as tRPC
 * calls it, and a prototype serializer that writes superjson's wire format for this API's own
 * outputs directly (its result is checked to deserialize, with superjson, to the same page).
 *
 *   node --import tsx bench/http-serialization.ts
 */
import { deepStrictEqual } from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { bench, do_not_optimize, group, run } from 'mitata';
import superjson from 'superjson';
import { songListOutput, songSchema } from '../src/songs/schemas.js';
import { printTable } from './stats.js';

interface SongRow {
  id: string;
  name: string;
  artist: string;
  streams: number;
  releasedOn: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** A page as Prisma returns it: fresh Date objects per field, as the driver makes them. */
function listPage(size: number) {
  const items: SongRow[] = Array.from({ length: size }, (_, index) => ({
    id: randomUUID(),
    name: `Song number ${index}`,
    artist: `Artist ${index % 97}`,
    streams: (index * 7.3) % 10,
    releasedOn: new Date(Date.UTC(1990, 0, 1 + index)),
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, index)),
    updatedAt: new Date(Date.UTC(2026, 0, 2, 0, 0, index)),
  }));
  return { items, total: 10_000, limit: size, offset: 0 };
}

const DATE_FIELDS = ['releasedOn', 'createdAt', 'updatedAt'] as const;

/**
 * superjson's wire format (`{ json, meta: { values, v } }`) for a page of songs, built directly:
 * the Date paths are known from the output schema, so there is nothing to walk or look up.
 * Unlike superjson it records no referential equalities (Prisma never shares Date objects).
 */
function serializeSongPage<Page extends { items: SongRow[] }>(page: Page) {
  const values: Record<string, ['Date']> = {};
  const items = page.items.map((song, index) => {
    for (const field of DATE_FIELDS) values[`items.${index}.${field}`] = ['Date'];
    return {
      id: song.id,
      name: song.name,
      artist: song.artist,
      streams: song.streams,
      releasedOn: song.releasedOn.toISOString(),
      createdAt: song.createdAt.toISOString(),
      updatedAt: song.updatedAt.toISOString(),
    };
  });
  const json = { ...page, items };
  return page.items.length > 0 ? { json, meta: { values, v: 1 } } : { json };
}

const page = listPage(50);
// The prototype must mean the same to a superjson client as superjson's own output.
deepStrictEqual(superjson.deserialize(JSON.parse(JSON.stringify(serializeSongPage(page)))), page);
deepStrictEqual(superjson.deserialize(JSON.parse(JSON.stringify(superjson.serialize(page)))), page);

const envelope = (data: unknown) => JSON.stringify([{ result: { data } }]);
const song = page.items[0] as SongRow;
const serializeSong = (one: SongRow) => {
  const { json } = serializeSongPage({ items: [one] });
  const meta = { values: Object.fromEntries(DATE_FIELDS.map((field) => [field, ['Date']])), v: 1 };
  return { json: json.items[0], meta };
};
deepStrictEqual(superjson.deserialize(JSON.parse(JSON.stringify(serializeSong(song)))), song);

group('song.list page of 50', () => {
  bench('list: output validation (songListOutput.parse)', () => do_not_optimize(songListOutput.parse(page)));
  // tRPC 11 validates outputs through the Standard Schema interface, as here.
  bench('list: output validation as tRPC runs it (~standard.validate)', () =>
    do_not_optimize(songListOutput['~standard'].validate(page)),
  );
  bench('list: superjson.serialize + JSON.stringify (tRPC today)', () =>
    do_not_optimize(envelope(superjson.serialize(page))),
  );
  bench('list: prototype serializer + JSON.stringify', () =>
    do_not_optimize(envelope(serializeSongPage(page))),
  );
  bench('list: JSON.stringify alone (the raw server)', () => do_not_optimize(JSON.stringify(page)));
});
group('song.byId', () => {
  bench('byId: output validation (songSchema.parse)', () => do_not_optimize(songSchema.parse(song)));
  bench('byId: superjson.serialize + JSON.stringify', () =>
    do_not_optimize(envelope(superjson.serialize(song))),
  );
  bench('byId: prototype serializer + JSON.stringify', () => do_not_optimize(envelope(serializeSong(song))));
  bench('byId: JSON.stringify alone', () => do_not_optimize(JSON.stringify(song)));
});

// Minimum and median rather than the mean: on a shared machine the mean is mostly other processes.
const { benchmarks } = await run({ format: 'quiet' });
const micro = (ns: number | undefined) => ((ns ?? Number.NaN) / 1000).toFixed(1);
printTable(
  'CPU per call, µs (mitata)',
  benchmarks.map(({ alias, runs: [first] }) => ({
    step: alias,
    'min µs': micro(first?.stats?.min),
    'median µs': micro(first?.stats?.p50),
    'p99 µs': micro(first?.stats?.p99),
  })),
);
