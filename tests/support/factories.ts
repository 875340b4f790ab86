/**
 * Test data the project writes itself: a factory for one-off songs and a deterministic
 * 100-song fixture with the awkward cases the contract cares about (collaborations, ties in
 * streams and release dates, `%` and `_` in names, mixed case).
 */
import type { PrismaClient } from '../../src/db/index.js';
import type { SongCreate } from '../../src/songs/schemas.js';
import type { Auth } from '../../src/trpc.js';

/** The identity of a caller allowed to read and write songs, as an API key would give it. */
export const TEST_WRITER: Auth = {
  subject: 'test-writer',
  scopes: ['songs:read', 'songs:write'],
  via: 'api-key',
};

let sequence = 0;

/** A valid SongCreate, unique per call unless `overrides` say otherwise. */
export function songInput(overrides: Partial<SongCreate> = {}): SongCreate {
  sequence += 1;
  return {
    name: `Song ${sequence}`,
    artist: `Artist ${sequence}`,
    streams: 1 + (sequence % 7) / 10,
    releasedOn: '2020-01-01',
    ...overrides,
  };
}

const ARTISTS = [
  'Nova Reyes',
  'The Paper Kites of Lisbon',
  'Jun Okafor',
  'Marigold',
  'DJ Halden',
  'Ines Varga',
  'Lowland Choir',
  'Sami Brandt',
  'Odette Lune',
  'Kasimir & The Tides',
];
const WORDS = ['Neon', 'Paper', 'River', 'Midnight', 'Golden', 'Static', 'Velvet', 'Echo', 'Harbor', 'Ember'];
const NOUNS = ['Hearts', 'Skies', 'Letters', 'Summer', 'Lights', 'Roads', 'Waves', 'Dreams', 'Rain', 'Fire'];

/** The 100 songs of the fixture, in a fixed order (the same on every run). */
export const FIXTURE_SONGS: readonly SongCreate[] = Array.from({ length: 100 }, (_, i) => {
  const artist = ARTISTS[i % ARTISTS.length] as string;
  const featured = ARTISTS[(i + 3) % ARTISTS.length] as string;
  const collaboration = i % 9 === 0 ? `${artist} and ${featured}` : artist;
  const name =
    i === 7 ? '100% Pure' : i === 8 ? 'snake_case blues' : `${WORDS[i % 10]} ${NOUNS[Math.floor(i / 10)]}`;
  return {
    name,
    artist: collaboration,
    // Every fifth pair of songs shares a stream count, so orderings must fall back to id.
    streams: i % 5 === 0 ? 1.5 : Math.round((4.8 - i * 0.037) * 1000) / 1000,
    releasedOn: `${2000 + (i % 24)}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
  };
});

/** Inserts the 100 fixture songs (global-setup.ts does this once, into the template). */
export async function insertFixture(prisma: PrismaClient): Promise<void> {
  await prisma.song.createMany({
    data: FIXTURE_SONGS.map((song) => ({
      ...song,
      releasedOn: new Date(`${song.releasedOn as string}T00:00:00Z`),
    })),
  });
}

/**
 * Moves the inserted fixture into a test-only schema that every throwaway database inherits, and
 * leaves `songs` empty. Restoring it is then one INSERT … SELECT (resetDatabase in throwaway-database.ts).
 */
export const FIXTURE_SCHEMA_SQL = `
  CREATE SCHEMA test_support;
  CREATE TABLE test_support.fixture_songs AS SELECT * FROM songs;
  DELETE FROM songs;
`;
