import { describe, expect, it } from 'vitest';
import { expectTRPCError } from '../support/errors.js';
import { FIXTURE_SONGS, songInput } from '../support/factories.js';
import { useTestDatabase } from '../support/test-database.js';
import { expectRejectedWithoutWrites } from './helpers.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const existing = FIXTURE_SONGS[0] as (typeof FIXTURE_SONGS)[number];

describe('song.create', () => {
  const db = useTestDatabase({ fixture: true });

  describe('stores a valid song', () => {
    it('returns exactly the Song fields, with a uuid id and timestamps', async () => {
      const song = await db.caller.song.create({
        name: 'Glass Tides',
        artist: 'Nova Reyes',
        streams: 2.25,
        releasedOn: '2021-06-15',
      });
      expect(Object.keys(song).sort()).toEqual(
        ['artist', 'createdAt', 'id', 'name', 'releasedOn', 'streams', 'updatedAt'].sort(),
      );
      expect(song).toMatchObject({
        name: 'Glass Tides',
        artist: 'Nova Reyes',
        streams: 2.25,
        releasedOn: '2021-06-15',
      });
      expect(song.id).toMatch(UUID);
      expect(song.createdAt).toBeInstanceOf(Date);
      expect(song.updatedAt).toBeInstanceOf(Date);
    });

    it('stores what it returns (byId reads the same song back)', async () => {
      const created = await db.caller.song.create(songInput());
      await expect(db.caller.song.byId({ id: created.id })).resolves.toEqual(created);
      expect(await db.prisma.song.count()).toBe(FIXTURE_SONGS.length + 1);
    });

    it('trims name and artist', async () => {
      const song = await db.caller.song.create(
        songInput({ name: '  Padded Name\t', artist: '\n Padded Artist ' }),
      );
      expect(song).toMatchObject({ name: 'Padded Name', artist: 'Padded Artist' });
    });

    it('accepts characters outside the BMP (a surrogate pair is well-formed)', async () => {
      const song = await db.caller.song.create(songInput({ name: 'Night 🎵 Drive', artist: '𝄞 Ensemble' }));
      expect(song).toMatchObject({ name: 'Night 🎵 Drive', artist: '𝄞 Ensemble' });
    });

    it('accepts name and artist of exactly 200 characters (after trimming)', async () => {
      const name = 'n'.repeat(200);
      const artist = 'a'.repeat(200);
      const song = await db.caller.song.create(songInput({ name: `  ${name}  `, artist }));
      expect(song).toMatchObject({ name, artist });
    });

    it.each([0, 4.567, 1e-9, 12345.678])('accepts streams %s and returns it unchanged', async (streams) => {
      const song = await db.caller.song.create(songInput({ streams }));
      expect(song.streams).toBe(streams);
    });

    it('accepts the leap day "2024-02-29" and returns it as that "YYYY-MM-DD" string', async () => {
      const song = await db.caller.song.create(songInput({ releasedOn: '2024-02-29' }));
      expect(song.releasedOn).toBe('2024-02-29');
    });

    it.each(['0001-01-01', '0050-06-01', '9999-12-31'])(
      'accepts %s as written (the first century is not read as 19xx)',
      async (releasedOn) => {
        const song = await db.caller.song.create(songInput({ releasedOn }));
        expect(song.releasedOn).toBe(releasedOn);
      },
    );

    it.each([
      ['a Date at 00:00 UTC', new Date('1999-12-31T00:00:00.000Z'), '1999-12-31'],
      ['a Date with a time of day', new Date('2022-07-04T23:59:59.999Z'), '2022-07-04'],
      ['a Date on the first day of year 1', new Date('0001-01-01T00:00:00.000Z'), '0001-01-01'],
      ['a Date on the last moment of year 9999', new Date('9999-12-31T23:59:59.999Z'), '9999-12-31'],
    ])('accepts %s and returns its UTC day as "YYYY-MM-DD"', async (_, releasedOn, expected) => {
      const song = await db.caller.song.create(songInput({ releasedOn }));
      expect(song.releasedOn).toBe(expected);
    });

    it('returns a release date as the same day in every time zone (a string, not an instant)', async () => {
      const song = await db.caller.song.create(songInput({ releasedOn: '2007-05-21' }));
      expect(typeof song.releasedOn).toBe('string');
      await expect(db.caller.song.byId({ id: song.id })).resolves.toMatchObject({ releasedOn: '2007-05-21' });
    });

    it('accepts streams of exactly 1e15 and returns it unchanged', async () => {
      const song = await db.caller.song.create(songInput({ streams: 1e15 }));
      expect(song.streams).toBe(1e15);
    });
  });

  describe('rejects invalid input with BAD_REQUEST naming the field, and writes nothing', () => {
    const invalid: [string, Record<string, unknown>, string][] = [
      ['an empty name', { name: '' }, 'name'],
      ['a whitespace-only name', { name: ' \t\n ' }, 'name'],
      ['a 201-character name', { name: 'n'.repeat(201) }, 'name'],
      ['a name that is not a string', { name: 42 }, 'name'],
      ['a missing name', { name: undefined }, 'name'],
      ['an empty artist', { artist: '' }, 'artist'],
      ['a whitespace-only artist', { artist: '   ' }, 'artist'],
      ['a 201-character artist', { artist: 'a'.repeat(201) }, 'artist'],
      ['an artist that is not a string', { artist: null }, 'artist'],
      ['a missing artist', { artist: undefined }, 'artist'],
      ['a NUL character in the name (PostgreSQL text cannot hold it)', { name: 'Glass\u0000Tides' }, 'name'],
      ['a NUL character in the artist', { artist: '\u0000' }, 'artist'],
      ['negative streams', { streams: -1 }, 'streams'],
      ['slightly negative streams', { streams: -0.001 }, 'streams'],
      ['NaN streams', { streams: Number.NaN }, 'streams'],
      ['infinite streams', { streams: Number.POSITIVE_INFINITY }, 'streams'],
      ['negative infinite streams', { streams: Number.NEGATIVE_INFINITY }, 'streams'],
      ['streams as a string', { streams: '12' }, 'streams'],
      ['missing streams', { streams: undefined }, 'streams'],
      ['streams above 1e15', { streams: 1e15 + 1 }, 'streams'],
      ['streams of the largest double', { streams: Number.MAX_VALUE }, 'streams'],
      ['a lone high surrogate in the name', { name: 'ls \ud800' }, 'name'],
      ['a lone low surrogate in the artist', { artist: '\udc00 ls' }, 'artist'],
      ['surrogates in the wrong order in the name', { name: '\udc00\ud800' }, 'name'],
      ['releasedOn 2023-02-30 (no such day)', { releasedOn: '2023-02-30' }, 'releasedOn'],
      ['releasedOn 2023-02-29 (not a leap year)', { releasedOn: '2023-02-29' }, 'releasedOn'],
      ['releasedOn 2023-13-01 (no such month)', { releasedOn: '2023-13-01' }, 'releasedOn'],
      ['releasedOn 2023-00-10 (no month zero)', { releasedOn: '2023-00-10' }, 'releasedOn'],
      ['releasedOn "2023-1-1" (not zero-padded)', { releasedOn: '2023-1-1' }, 'releasedOn'],
      ['releasedOn "yesterday"', { releasedOn: 'yesterday' }, 'releasedOn'],
      ['releasedOn as a date-time string', { releasedOn: '2023-01-01T00:00:00Z' }, 'releasedOn'],
      ['releasedOn with text before the date', { releasedOn: 'x2023-01-01' }, 'releasedOn'],
      ['releasedOn with text after the date', { releasedOn: '2023-01-01x' }, 'releasedOn'],
      ['releasedOn with a five-digit year', { releasedOn: '12023-01-01' }, 'releasedOn'],
      ['releasedOn as an empty string', { releasedOn: '' }, 'releasedOn'],
      ['releasedOn as an invalid Date', { releasedOn: new Date('not a date') }, 'releasedOn'],
      ['releasedOn as a number', { releasedOn: 20230101 }, 'releasedOn'],
      [
        'releasedOn as a Date past 9999-12-31',
        { releasedOn: new Date('+010000-01-01T00:00:00Z') },
        'releasedOn',
      ],
      [
        'releasedOn as a Date before 0001-01-01',
        { releasedOn: new Date('-000100-01-01T00:00:00Z') },
        'releasedOn',
      ],
      [
        'releasedOn as a Date on the last day of year 0',
        { releasedOn: new Date('0000-12-31T23:59:59.999Z') },
        'releasedOn',
      ],

      ['releasedOn "0000-01-01" (there is no year zero)', { releasedOn: '0000-01-01' }, 'releasedOn'],
      ['a missing releasedOn', { releasedOn: undefined }, 'releasedOn'],
      ['an unknown key', { genre: 'pop' }, 'genre'],
      ['a client-chosen id', { id: '6f1c2b9e-3d4a-4b5c-8d6e-7f8a9b0c1d2e' }, 'id'],
      ['a client-chosen createdAt', { createdAt: new Date('2020-01-01T00:00:00Z') }, 'createdAt'],
    ];

    it.each(invalid)('%s', async (_, overrides, field) => {
      const input = { ...songInput(), ...overrides };
      await expectRejectedWithoutWrites(
        db,
        () => db.caller.song.create(input as never),
        'BAD_REQUEST',
        field,
      );
    });

    it('rejects an input that is not an object at all', async () => {
      await expectTRPCError(db.caller.song.create('Glass Tides' as never), 'BAD_REQUEST');
      await expectTRPCError(db.caller.song.create(undefined as never), 'BAD_REQUEST');
    });
  });

  describe('(name, artist) is unique', () => {
    it('rejects a second song with the same name and artist with CONFLICT, and writes nothing', async () => {
      await expectRejectedWithoutWrites(
        db,
        () => db.caller.song.create(songInput({ name: existing.name, artist: existing.artist, streams: 9 })),
        'CONFLICT',
      );
    });

    it('treats "  X " as "X": a whitespace variant of an existing pair is a CONFLICT', async () => {
      await expectRejectedWithoutWrites(
        db,
        () =>
          db.caller.song.create(songInput({ name: `  ${existing.name} `, artist: `\t${existing.artist}  ` })),
        'CONFLICT',
      );
    });

    it('allows the same name by another artist, and the same artist with another name', async () => {
      await db.caller.song.create(songInput({ name: existing.name, artist: 'Someone Else' }));
      await db.caller.song.create(songInput({ name: 'Another Name', artist: existing.artist }));
      expect(await db.prisma.song.count({ where: { name: existing.name } })).toBe(2);
    });

    it('compares names exactly: a variant that differs only in case is another song', async () => {
      const song = await db.caller.song.create(
        songInput({ name: existing.name.toUpperCase(), artist: existing.artist }),
      );
      expect(song.name).toBe(existing.name.toUpperCase());
    });

    it('a CONFLICT on one create does not stop the next valid create', async () => {
      await expectTRPCError(
        db.caller.song.create(songInput({ name: existing.name, artist: existing.artist })),
        'CONFLICT',
      );
      await expect(db.caller.song.create(songInput())).resolves.toMatchObject({ id: expect.any(String) });
    });
  });
});
