import { describe, expect, it } from 'vitest';
import { expectTRPCError } from '../support/errors.js';
import { useTestDatabase } from '../support/test-database.js';
import {
  allSongs,
  expectRejectedWithoutWrites,
  MISSING_ID,
  NOT_UUIDS,
  type Song,
  tableSnapshot,
} from './helpers.js';

describe('song.update', () => {
  const db = useTestDatabase({ fixture: true });

  /** Two distinct fixture songs: the one being edited and another whose pair it may collide with. */
  async function twoSongs(): Promise<[Song, Song]> {
    const [target, other] = await allSongs(db);
    if (!target || !other) throw new Error('fixture is too small');
    return [target, other];
  }

  describe('applies a valid patch', () => {
    it.each([
      ['name', { name: 'Renamed' }],
      ['artist', { artist: 'Reassigned' }],
      ['streams', { streams: 7.125 }],
      ['releasedOn', { releasedOn: '2010-10-10' }],
    ])('changes only %s and returns the updated song', async (_, patch) => {
      const [target] = await twoSongs();
      const updated = await db.caller.song.update({ id: target.id, data: patch });
      expect(updated).toEqual({ ...target, ...patch, updatedAt: expect.any(Date) });
      await expect(db.caller.song.byId({ id: target.id })).resolves.toEqual(updated);
    });

    it('changes every field at once', async () => {
      const [target] = await twoSongs();
      const data = { name: 'All New', artist: 'All New Artist', streams: 0, releasedOn: '1970-01-01' };
      const updated = await db.caller.song.update({ id: target.id, data });
      expect(updated).toMatchObject({ ...data, id: target.id });
    });

    it('leaves every other song untouched', async () => {
      const [target] = await twoSongs();
      const others = (await tableSnapshot(db)).filter((row) => row.id !== target.id);
      await db.caller.song.update({ id: target.id, data: { name: 'Only Me' } });
      expect((await tableSnapshot(db)).filter((row) => row.id !== target.id)).toEqual(others);
    });

    it('trims name and artist in a patch', async () => {
      const [target] = await twoSongs();
      const updated = await db.caller.song.update({
        id: target.id,
        data: { name: '  Trim Me ', artist: '\tMe Too\n' },
      });
      expect(updated).toMatchObject({ name: 'Trim Me', artist: 'Me Too' });
    });

    it('accepts releasedOn as a Date and returns its UTC day as "YYYY-MM-DD"', async () => {
      const [target] = await twoSongs();
      const releasedOn = new Date(Date.UTC(2019, 10, 30, 15, 45));
      const updated = await db.caller.song.update({ id: target.id, data: { releasedOn } });
      expect(updated.releasedOn).toBe('2019-11-30');
    });

    it('keeps createdAt and moves updatedAt forward on every update, even within one millisecond', async () => {
      const [target] = await twoSongs();
      let previous = target.updatedAt;
      // Back to back, several of these land in the same millisecond of the server's clock.
      for (const streams of [3.5, 3.6, 3.7, 3.8, 3.9]) {
        const updated = await db.caller.song.update({ id: target.id, data: { streams } });
        expect(updated.createdAt).toEqual(target.createdAt);
        expect(updated.updatedAt.getTime()).toBeGreaterThan(previous.getTime());
        previous = updated.updatedAt;
      }
    });

    it('moves updatedAt forward even when the writer’s clock is behind the stored one', async () => {
      const [target] = await twoSongs();
      const future = new Date('2999-01-01T00:00:00.000Z');
      await db.prisma.song.update({ where: { id: target.id }, data: { updatedAt: future } });
      const updated = await db.caller.song.update({ id: target.id, data: { streams: 3.5 } });
      expect(updated.updatedAt.getTime()).toBeGreaterThan(future.getTime());
    });

    it('is not a CONFLICT to write a song its own name and artist', async () => {
      const [target] = await twoSongs();
      const updated = await db.caller.song.update({
        id: target.id,
        data: { name: target.name, artist: ` ${target.artist} ` },
      });
      expect(updated).toMatchObject({ name: target.name, artist: target.artist });
    });
  });

  describe('rejects an invalid patch with BAD_REQUEST naming the field, and writes nothing', () => {
    const invalid: [string, Record<string, unknown>, string][] = [
      ['an empty name', { name: '' }, 'data.name'],
      ['a whitespace-only name', { name: '   ' }, 'data.name'],
      ['a 201-character name', { name: 'n'.repeat(201) }, 'data.name'],
      ['an empty artist', { artist: '' }, 'data.artist'],
      ['a whitespace-only artist', { artist: '\t' }, 'data.artist'],
      ['a 201-character artist', { artist: 'a'.repeat(201) }, 'data.artist'],
      ['negative streams', { streams: -1 }, 'data.streams'],
      ['NaN streams', { streams: Number.NaN }, 'data.streams'],
      ['infinite streams', { streams: Number.POSITIVE_INFINITY }, 'data.streams'],
      ['streams above 1e15', { streams: 1.7976931348623157e308 }, 'data.streams'],
      ['a lone surrogate in the name', { name: 'ls \udbff' }, 'data.name'],
      ['streams as a string', { streams: '5' }, 'data.streams'],
      ['releasedOn 2023-02-30', { releasedOn: '2023-02-30' }, 'data.releasedOn'],
      ['releasedOn 2023-13-01', { releasedOn: '2023-13-01' }, 'data.releasedOn'],
      ['releasedOn "2023-1-1"', { releasedOn: '2023-1-1' }, 'data.releasedOn'],
      ['releasedOn "yesterday"', { releasedOn: 'yesterday' }, 'data.releasedOn'],
      ['an unknown key', { streams: 2, genre: 'pop' }, 'data.genre'],
      ['an id in the patch', { name: 'New Name', id: MISSING_ID }, 'data.id'],
      ['a valid name next to an invalid streams', { name: 'Valid Name', streams: -5 }, 'data.streams'],
      ['a patch of nothing but an unknown key', { genre: 'pop' }, 'data'],
      ['an empty patch', {}, 'data'],
      ['a patch whose fields are all undefined', { name: undefined, streams: undefined }, 'data'],
    ];

    it.each(invalid)('%s', async (_, data, field) => {
      const [target] = await twoSongs();
      await expectRejectedWithoutWrites(
        db,
        () => db.caller.song.update({ id: target.id, data } as never),
        'BAD_REQUEST',
        field,
      );
    });

    it('rejects a missing data with BAD_REQUEST naming data', async () => {
      const [target] = await twoSongs();
      await expectTRPCError(db.caller.song.update({ id: target.id } as never), 'BAD_REQUEST', 'data');
    });

    it('rejects an unknown key next to id and data', async () => {
      const [target] = await twoSongs();
      await expectRejectedWithoutWrites(
        db,
        () => db.caller.song.update({ id: target.id, data: { streams: 1 }, upsert: true } as never),
        'BAD_REQUEST',
        'upsert',
      );
    });

    it.each(NOT_UUIDS)('rejects %s as id with BAD_REQUEST naming id', async (_, id) => {
      await expectRejectedWithoutWrites(
        db,
        () => db.caller.song.update({ id, data: { streams: 1 } } as never),
        'BAD_REQUEST',
        'id',
      );
    });
  });

  describe('NOT_FOUND', () => {
    it('is NOT_FOUND for a uuid that no song has, and writes nothing', async () => {
      await expectRejectedWithoutWrites(
        db,
        () => db.caller.song.update({ id: MISSING_ID, data: { name: 'Ghost' } }),
        'NOT_FOUND',
      );
    });

    it('is NOT_FOUND for a song that was deleted', async () => {
      const [target] = await twoSongs();
      await db.caller.song.delete({ id: target.id });
      await expectTRPCError(db.caller.song.update({ id: target.id, data: { streams: 2 } }), 'NOT_FOUND');
    });
  });

  describe('CONFLICT on an existing (name, artist)', () => {
    // "  X " is "X": a whitespace variant of another song's pair is that pair.
    it.each([
      ['its name and artist', (other: Song) => ({ name: other.name, artist: other.artist, streams: 9 })],
      [
        'a whitespace variant of them',
        (other: Song) => ({ name: `  ${other.name} `, artist: `${other.artist}\t` }),
      ],
    ])('is a CONFLICT to take another song’s pair (%s), and writes nothing', async (_, dataFrom) => {
      const [target, other] = await twoSongs();
      await expectRejectedWithoutWrites(
        db,
        () => db.caller.song.update({ id: target.id, data: dataFrom(other) }),
        'CONFLICT',
      );
    });

    it.each(['name', 'artist'] as const)(
      'is a CONFLICT when changing only the %s completes another song’s pair',
      async (field) => {
        const [target] = await twoSongs();
        // Same as the target but for `field`: moving the target's `field` to it completes the pair.
        const other = await db.caller.song.create({
          name: target.name,
          artist: target.artist,
          streams: 1,
          releasedOn: '2020-01-01',
          [field]: `Another ${field}`,
        });
        await expectRejectedWithoutWrites(
          db,
          () => db.caller.song.update({ id: target.id, data: { [field]: other[field] } }),
          'CONFLICT',
        );
      },
    );
  });
});
