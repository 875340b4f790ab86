/** The demo catalogue and `npm run db:seed`'s loader: deterministic, valid, idempotent. */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEMO_SONG_COUNT, demoCatalogueCsv, demoSongs } from '../../src/demo/catalogue.js';
import { seedDemoCatalogue } from '../../src/demo/seed.js';
import { readSongCsv } from '../../src/import/song-csv-reader.js';
import { useTestDatabase } from '../support/test-database.js';

const db = useTestDatabase();

describe('the demo catalogue', () => {
  it('is the same every time, with each (name, artist) once', () => {
    expect(demoCatalogueCsv()).toBe(demoCatalogueCsv());
    const songs = demoSongs();
    expect(songs).toHaveLength(DEMO_SONG_COUNT);
    expect(new Set(songs.map((song) => `${song.name}\0${song.artist}`)).size).toBe(DEMO_SONG_COUNT);
  });

  it('is a valid import file, with quoted names and both date forms', async () => {
    const csv = demoCatalogueCsv();
    expect(csv).toMatch(/\n"[^"\n]*,[^"\n]*",/); // a name with a comma
    expect(csv).toMatch(/,\d{1,2} [A-Z][a-z]+ \d{4}\n/); // "29 November 2019"
    let valid = 0;
    for await (const item of readSongCsv(Readable.from([Buffer.from(csv)]))) {
      expect(item.ok ? null : item.errors).toBeNull();
      valid += 1;
    }
    expect(valid).toBe(DEMO_SONG_COUNT);
  });
});

it('seeds every demo song once: a second seed changes nothing', async () => {
  const first = await seedDemoCatalogue(db.database);
  expect(first).toMatchObject({ read: DEMO_SONG_COUNT, imported: DEMO_SONG_COUNT, rejected: 0 });
  const listed = await db.caller.song.list({ limit: 100 });
  expect(listed.total).toBe(DEMO_SONG_COUNT);

  const second = await seedDemoCatalogue(db.database);
  expect(second).toMatchObject({ imported: 0, skipped: DEMO_SONG_COUNT });
  expect(await db.caller.song.list({ limit: 100 })).toEqual(listed);
});
