/**
 * What one song.list page of 50 costs the server between Prisma and the socket, in CPU alone:
 * the output validation tRPC runs (`.output(songListOutput)`), superjson's serialize, and the
 * serializer tRPC calls now (src/http/output-serializer.ts, superjson's wire format in one pass;
 * its result is checked to equal superjson's), each on what the output validation returns.
 *
 *   node --import tsx bench/http-serialization.ts
 */
import { deepStrictEqual } from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { bench, do_not_optimize, group, run } from 'mitata';
import superjson from 'superjson';
import { serializeOutput } from '../src/http/output-serializer.js';
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

// What tRPC serializes: the output schema's result (releasedOn is a "YYYY-MM-DD" string by then).
const rows = listPage(50);
const row = rows.items[0] as SongRow;
const page = songListOutput.parse(rows);
const song = songSchema.parse(row);
deepStrictEqual(serializeOutput(page), superjson.serialize(page));
deepStrictEqual(serializeOutput(song), superjson.serialize(song));

const envelope = (data: unknown) => JSON.stringify([{ result: { data } }]);

group('song.list page of 50', () => {
  bench('list: output validation (songListOutput.parse)', () => do_not_optimize(songListOutput.parse(rows)));
  // tRPC 11 validates outputs through the Standard Schema interface, as here.
  bench('list: output validation as tRPC runs it (~standard.validate)', () =>
    do_not_optimize(songListOutput['~standard'].validate(rows)),
  );
  bench('list: superjson.serialize + JSON.stringify (tRPC before)', () =>
    do_not_optimize(envelope(superjson.serialize(page))),
  );
  bench('list: output serializer + JSON.stringify (tRPC now)', () =>
    do_not_optimize(envelope(serializeOutput(page))),
  );
  bench('list: JSON.stringify alone (the raw server)', () => do_not_optimize(JSON.stringify(page)));
});
group('song.byId', () => {
  bench('byId: output validation (songSchema.parse)', () => do_not_optimize(songSchema.parse(row)));
  bench('byId: superjson.serialize + JSON.stringify', () =>
    do_not_optimize(envelope(superjson.serialize(song))),
  );
  bench('byId: output serializer + JSON.stringify', () => do_not_optimize(envelope(serializeOutput(song))));
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
