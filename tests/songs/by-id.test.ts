import { describe, expect, it } from 'vitest';
import { expectTRPCError } from '../support/errors.js';
import { FIXTURE_SONGS } from '../support/factories.js';
import { useTestDatabase } from '../support/test-database.js';
import { MISSING_ID, NOT_UUIDS } from './helpers.js';

describe('song.byId', () => {
  const db = useTestDatabase({ fixture: true });

  it('returns the song with that id', async () => {
    const fixture = FIXTURE_SONGS[3] as (typeof FIXTURE_SONGS)[number];
    const row = await db.prisma.song.findFirstOrThrow({ where: { name: fixture.name } });
    const song = await db.caller.song.byId({ id: row.id });
    expect(song).toEqual({
      id: row.id,
      name: row.name,
      artist: row.artist,
      streams: row.streams,
      releasedOn: fixture.releasedOn,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    });
  });

  it('accepts an uppercase uuid', async () => {
    const row = await db.prisma.song.findFirstOrThrow();
    await expect(db.caller.song.byId({ id: row.id.toUpperCase() })).resolves.toMatchObject({ id: row.id });
  });

  it('is NOT_FOUND for a well-formed uuid that no song has', async () => {
    await expectTRPCError(db.caller.song.byId({ id: MISSING_ID }), 'NOT_FOUND');
  });

  it('is NOT_FOUND for a song that was deleted', async () => {
    const row = await db.prisma.song.findFirstOrThrow();
    await db.prisma.song.delete({ where: { id: row.id } });
    await expectTRPCError(db.caller.song.byId({ id: row.id }), 'NOT_FOUND');
  });

  it.each(NOT_UUIDS)('is BAD_REQUEST naming id for %s', async (_, id) => {
    await expectTRPCError(db.caller.song.byId({ id } as never), 'BAD_REQUEST', 'id');
  });

  it('is BAD_REQUEST naming id when id is missing', async () => {
    await expectTRPCError(db.caller.song.byId({} as never), 'BAD_REQUEST', 'id');
  });

  it('is BAD_REQUEST for an unknown key next to the id', async () => {
    const row = await db.prisma.song.findFirstOrThrow();
    await expectTRPCError(
      db.caller.song.byId({ id: row.id, name: row.name } as never),
      'BAD_REQUEST',
      'name',
    );
  });
});
