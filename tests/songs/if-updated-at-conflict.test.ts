/**
 * ifUpdatedAt decides only between "written" and PRECONDITION_FAILED: a write that fails for
 * another reason keeps that reason. An update holding the current updatedAt that would take
 * another song's (name, artist) is a CONFLICT, as without ifUpdatedAt, not a "changed" song.
 */
import { describe, expect, it } from 'vitest';
import { expectTRPCError } from '../support/errors.js';
import { songInput } from '../support/factories.js';
import { useTestDatabase } from '../support/test-database.js';

describe('song.update with a current ifUpdatedAt that fails for another reason', () => {
  const db = useTestDatabase();

  it('is a CONFLICT on a taken (name, artist), and writes nothing', async () => {
    const taken = await db.caller.song.create(songInput({ name: 'Taken', artist: 'Owner' }));
    const song = await db.caller.song.create(songInput({ name: 'Mine', artist: 'Me' }));
    const error = await expectTRPCError(
      db.caller.song.update({
        id: song.id,
        data: { name: taken.name, artist: taken.artist },
        ifUpdatedAt: song.updatedAt,
      }),
      'CONFLICT',
    );
    expect(error.message).toBe('A song with this name and artist already exists');
    expect(await db.caller.song.byId({ id: song.id })).toEqual(song);
  });
});
