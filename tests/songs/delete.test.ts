import { describe, expect, it } from 'vitest';
import { expectTRPCError } from '../support/errors.js';
import { FIXTURE_SONGS } from '../support/factories.js';
import { useTestDatabase } from '../support/test-database.js';
import { allSongs, expectRejectedWithoutWrites, MISSING_ID, NOT_UUIDS } from './helpers.js';

describe('song.delete', () => {
  const db = useTestDatabase({ fixture: true });

  it('returns the song as it was before the delete', async () => {
    const [target] = await allSongs(db);
    if (!target) throw new Error('fixture is empty');
    await expect(db.caller.song.delete({ id: target.id })).resolves.toEqual(target);
  });

  it('removes exactly that song', async () => {
    const songs = await allSongs(db);
    const target = songs[42];
    if (!target) throw new Error('fixture is too small');
    await db.caller.song.delete({ id: target.id });
    const remaining = await allSongs(db);
    expect(remaining).toHaveLength(FIXTURE_SONGS.length - 1);
    expect(remaining).toEqual(songs.filter((song) => song.id !== target.id));
    await expectTRPCError(db.caller.song.byId({ id: target.id }), 'NOT_FOUND');
  });

  it('frees the (name, artist) pair for a new song', async () => {
    const [target] = await allSongs(db);
    if (!target) throw new Error('fixture is empty');
    await db.caller.song.delete({ id: target.id });
    const again = await db.caller.song.create({
      name: target.name,
      artist: target.artist,
      streams: target.streams,
      releasedOn: target.releasedOn,
    });
    expect(again.id).not.toBe(target.id);
  });

  it('is NOT_FOUND for a uuid that no song has, and writes nothing', async () => {
    await expectRejectedWithoutWrites(db, () => db.caller.song.delete({ id: MISSING_ID }), 'NOT_FOUND');
  });

  it('is NOT_FOUND when the same song is deleted twice, and the second writes nothing', async () => {
    const [target] = await allSongs(db);
    if (!target) throw new Error('fixture is empty');
    await db.caller.song.delete({ id: target.id });
    await expectRejectedWithoutWrites(db, () => db.caller.song.delete({ id: target.id }), 'NOT_FOUND');
  });

  it.each(NOT_UUIDS)('is BAD_REQUEST naming id for %s, and writes nothing', async (_, id) => {
    await expectRejectedWithoutWrites(db, () => db.caller.song.delete({ id } as never), 'BAD_REQUEST', 'id');
  });

  it('is BAD_REQUEST for an unknown key next to the id, and writes nothing', async () => {
    const [target] = await allSongs(db);
    if (!target) throw new Error('fixture is empty');
    await expectRejectedWithoutWrites(
      db,
      () => db.caller.song.delete({ id: target.id, force: true } as never),
      'BAD_REQUEST',
      'force',
    );
  });
});
