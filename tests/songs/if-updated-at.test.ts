/**
 * Optimistic concurrency (CONTRACT "Concurrency"): song.update and song.delete with `ifUpdatedAt`.
 * Runs on PGlite by default and on PostgreSQL with TEST_DATABASE_URL, where the 50 writers below
 * really race on separate connections.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectTRPCError } from '../support/errors.js';
import { songInput } from '../support/factories.js';
import { useTestDatabase } from '../support/test-database.js';
import { expectRejectedWithoutWrites, MISSING_ID, type Song } from './helpers.js';

const CHANGED = 'Song has changed since ifUpdatedAt';

describe('ifUpdatedAt on song.update and song.delete', () => {
  const db = useTestDatabase();
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A song, and a later version of it (so that the first one's updatedAt is stale). */
  async function changedSong(): Promise<{ stale: Song; current: Song }> {
    const stale = await db.caller.song.create(songInput({ streams: 1 }));
    const current = await db.caller.song.update({ id: stale.id, data: { streams: 2 } });
    return { stale, current };
  }

  describe('song.update', () => {
    it('writes when ifUpdatedAt is the current updatedAt, and moves updatedAt forward', async () => {
      const song = await db.caller.song.create(songInput());
      const updated = await db.caller.song.update({
        id: song.id,
        data: { streams: 9 },
        ifUpdatedAt: song.updatedAt,
      });
      expect(updated).toMatchObject({ id: song.id, streams: 9 });
      expect(updated.updatedAt.getTime()).toBeGreaterThan(song.updatedAt.getTime());
    });

    it('is PRECONDITION_FAILED when the song changed since ifUpdatedAt, and writes nothing', async () => {
      const { stale } = await changedSong();
      await expectRejectedWithoutWrites(
        db,
        () => db.caller.song.update({ id: stale.id, data: { streams: 3 }, ifUpdatedAt: stale.updatedAt }),
        'PRECONDITION_FAILED',
      );
      const error = await expectTRPCError(
        db.caller.song.update({ id: stale.id, data: { streams: 3 }, ifUpdatedAt: stale.updatedAt }),
        'PRECONDITION_FAILED',
      );
      expect(error.message).toBe(CHANGED);
    });

    it('is NOT_FOUND (not PRECONDITION_FAILED) for an id no song has', async () => {
      const error = await expectTRPCError(
        db.caller.song.update({ id: MISSING_ID, data: { streams: 3 }, ifUpdatedAt: new Date() }),
        'NOT_FOUND',
      );
      expect(error.message).toBe('Song not found');
    });

    it('is NOT_FOUND for a song deleted since ifUpdatedAt', async () => {
      const song = await db.caller.song.create(songInput());
      await db.caller.song.delete({ id: song.id });
      await expectTRPCError(
        db.caller.song.update({ id: song.id, data: { streams: 3 }, ifUpdatedAt: song.updatedAt }),
        'NOT_FOUND',
      );
    });

    it('without ifUpdatedAt, the last write wins', async () => {
      const { stale } = await changedSong();
      const updated = await db.caller.song.update({ id: stale.id, data: { streams: 5 } });
      expect(updated.streams).toBe(5);
    });

    it('catches a change made in the same millisecond as the version the caller read', async () => {
      // Every write below gets the same clock reading, as writes within one millisecond do.
      vi.useFakeTimers({ toFake: ['Date'], now: new Date('2030-01-01T00:00:00.000Z') });
      const { stale } = await changedSong();
      await expectRejectedWithoutWrites(
        db,
        () => db.caller.song.update({ id: stale.id, data: { streams: 3 }, ifUpdatedAt: stale.updatedAt }),
        'PRECONDITION_FAILED',
      );
    });

    it('of 50 concurrent writers holding the same updatedAt, exactly one wins', async () => {
      const song = await db.caller.song.create(songInput({ streams: 0 }));
      const writers = Array.from({ length: 50 }, (_, index) =>
        db.caller.song.update({ id: song.id, data: { streams: index + 1 }, ifUpdatedAt: song.updatedAt }),
      );
      const results = await Promise.allSettled(writers);
      const winners = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
      const losers = results.flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
      expect(winners).toHaveLength(1);
      expect(losers).toHaveLength(49);
      for (const loser of losers)
        expect(loser).toMatchObject({ code: 'PRECONDITION_FAILED', message: CHANGED });
      await expect(db.caller.song.byId({ id: song.id })).resolves.toEqual(winners[0]);
    });
  });

  describe('song.delete', () => {
    it('deletes when ifUpdatedAt is the current updatedAt, and returns the song as it was', async () => {
      const { current } = await changedSong();
      await expect(
        db.caller.song.delete({ id: current.id, ifUpdatedAt: current.updatedAt }),
      ).resolves.toEqual(current);
      await expectTRPCError(db.caller.song.byId({ id: current.id }), 'NOT_FOUND');
    });

    it('is PRECONDITION_FAILED when the song changed since ifUpdatedAt, and deletes nothing', async () => {
      const { stale } = await changedSong();
      await expectRejectedWithoutWrites(
        db,
        () => db.caller.song.delete({ id: stale.id, ifUpdatedAt: stale.updatedAt }),
        'PRECONDITION_FAILED',
      );
    });

    it('is NOT_FOUND for an id no song has', async () => {
      await expectTRPCError(db.caller.song.delete({ id: MISSING_ID, ifUpdatedAt: new Date() }), 'NOT_FOUND');
    });

    it('without ifUpdatedAt, deletes whatever the current version is', async () => {
      const { stale } = await changedSong();
      await expect(db.caller.song.delete({ id: stale.id })).resolves.toMatchObject({ streams: 2 });
    });
  });

  describe('a malformed ifUpdatedAt is BAD_REQUEST naming it, and writes nothing', () => {
    it.each<[string, unknown]>([
      ['a string', '2024-01-01T00:00:00.000Z'],
      ['a number', 1_700_000_000_000],
      ['an invalid Date', new Date('not a date')],
      ['a Date in year 0', new Date('0000-06-01T00:00:00.000Z')],
      ['a Date in year 10000', new Date('+010000-01-01T00:00:00.000Z')],
    ])('%s', async (_, ifUpdatedAt) => {
      const song = await db.caller.song.create(songInput());
      await expectRejectedWithoutWrites(
        db,
        () => db.caller.song.update({ id: song.id, data: { streams: 3 }, ifUpdatedAt } as never),
        'BAD_REQUEST',
        'ifUpdatedAt',
      );
      await expectRejectedWithoutWrites(
        db,
        () => db.caller.song.delete({ id: song.id, ifUpdatedAt } as never),
        'BAD_REQUEST',
        'ifUpdatedAt',
      );
    });
  });
});
