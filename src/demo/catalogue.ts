/**
 * The demo catalogue: 300 songs by made-up artists, generated from word lists with a seeded PRNG,
 * so every run (and every machine) gets the same songs. Written as CSV text in the import's own
 * format, with the awkward cases a real file has: commas and quotes in names, both date forms.
 */

import { MONTH_NAMES } from '../import/csv-fields.js';

export const DEMO_SONG_COUNT = 300;

export const FIRST_NAMES = [
  'Nova',
  'Jun',
  'Ines',
  'Sami',
  'Odette',
  'Marek',
  'Lena',
  'Tomás',
  'Aiko',
  'Kofi',
  'Mira',
  'Elias',
  'Zara',
  'Felix',
  'Noor',
  'Callum',
  'Priya',
  'Mateo',
  'Freya',
  'Yusuf',
];
const LAST_NAMES = [
  'Reyes',
  'Okafor',
  'Varga',
  'Brandt',
  'Lune',
  'Halden',
  'Sato',
  'Moreau',
  'Lindqvist',
  'Adeyemi',
  'Castell',
  'Novak',
  'Whitlow',
  'Marchetti',
  'Quinn',
  'Delacroix',
];
const BAND_ADJECTIVES = [
  'Paper',
  'Velvet',
  'Silver',
  'Midnight',
  'Golden',
  'Static',
  'Hollow',
  'Neon',
  'Quiet',
  'Wild',
];
const BAND_NOUNS = [
  'Kites',
  'Harbors',
  'Foxes',
  'Satellites',
  'Orchards',
  'Lanterns',
  'Tides',
  'Engines',
  'Choir',
  'Parade',
];

export const TITLE_OPENERS = [
  'Neon',
  'Paper',
  'River',
  'Midnight',
  'Golden',
  'Static',
  'Velvet',
  'Echo',
  'Harbor',
  'Ember',
  'Summer',
  'Electric',
  'Broken',
  'Northern',
  'Slow',
  'Crystal',
  'Lonely',
  'Sugar',
  'Burning',
  'Blue',
];
export const TITLE_NOUNS = [
  'Hearts',
  'Skies',
  'Letters',
  'Lights',
  'Roads',
  'Waves',
  'Dreams',
  'Rain',
  'Fire',
  'Heat',
  'Signals',
  'Shadows',
  'Gardens',
  'Mornings',
  'Cities',
  'Promises',
  'Stars',
  'Highways',
  'Echoes',
  'Tides',
];
const TITLE_PHRASES = [
  "Don't Let Go",
  'Hold Me Closer',
  'Call It Love',
  'Dancing on My Own Again',
  "We Were Young, Weren't We",
  'Back to the Start',
  'Say It Like You Mean It',
  'One More Night in Lisbon',
  'The Last Song We Know',
  'Slow, Then All at Once',
  'Never "Goodbye"',
  'Tell Me Something True',
];

/** mulberry32: a tiny, well-mixed 32-bit PRNG; the same seed always gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface DemoSong {
  name: string;
  artist: string;
  streams: number;
  /** "YYYY-MM-DD". */
  releasedOn: string;
}

/** The catalogue, always the same songs in the same order, each (name, artist) once. */
export function demoSongs(count = DEMO_SONG_COUNT, seed = 20241119): DemoSong[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  const artists = new Set<string>();
  while (artists.size < 40) {
    const roll = random();
    if (roll < 0.55) artists.add(`${pick(FIRST_NAMES)} ${pick(LAST_NAMES)}`);
    else if (roll < 0.85) artists.add(`The ${pick(BAND_ADJECTIVES)} ${pick(BAND_NOUNS)}`);
    else artists.add(`${pick(BAND_ADJECTIVES)} ${pick(BAND_NOUNS)}`);
  }
  const artistList = [...artists];

  const songs: DemoSong[] = [];
  const taken = new Set<string>();
  while (songs.length < count) {
    const roll = random();
    const name =
      roll < 0.15
        ? pick(TITLE_PHRASES)
        : roll < 0.25
          ? pick(TITLE_NOUNS)
          : `${pick(TITLE_OPENERS)} ${pick(TITLE_NOUNS)}`;
    const lead = pick(artistList);
    const artist =
      random() < 0.12 ? `${lead} and ${pick(artistList.filter((other) => other !== lead))}` : lead;
    const key = `${name}\0${artist}`;
    if (taken.has(key)) continue;
    taken.add(key);
    // Skewed like real charts: a few songs in the billions, most far below.
    const streams = Math.round((0.05 + 4.5 * random() ** 3) * 1000) / 1000;
    const year = 1975 + Math.floor(random() ** 0.5 * 50);
    const month = 1 + Math.floor(random() * 12);
    const day = 1 + Math.floor(random() * 28);
    const releasedOn = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    songs.push({ name, artist, streams, releasedOn });
  }
  return songs;
}

/** RFC 4180 quoting, only where a field needs it. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The catalogue as a CSV file; every third date in the long form ("29 November 2019"). */
export function demoCatalogueCsv(songs: readonly DemoSong[] = demoSongs()): string {
  const lines = ['name,artist,streams,released_on'];
  songs.forEach((song, index) => {
    const [year, month, day] = song.releasedOn.split('-').map(Number) as [number, number, number];
    const date = index % 3 === 2 ? `${day} ${MONTH_NAMES[month - 1]} ${year}` : song.releasedOn;
    lines.push([csvField(song.name), csvField(song.artist), song.streams.toFixed(3), date].join(','));
  });
  return `${lines.join('\n')}\n`;
}
