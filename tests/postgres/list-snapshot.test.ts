/**
 * PostgreSQL only: song.list reads its page and its total in one snapshot (a REPEATABLE READ
 * transaction), so they agree even while other connections write. PGlite has one session, so no
 * write can land between the two reads there.
 */
import { expect, it } from 'vitest';
import { songInput } from '../support/factories.js';
import { useTestDatabase } from '../support/test-database.js';

const db = useTestDatabase();

it('returns a page and a total that agree while other connections insert and delete', async () => {
  // Fewer than `limit` rows at any time, so a consistent answer has exactly `total` items.
  let writing = true;
  const writer = async () => {
    while (writing) {
      const song = await db.caller.song.create(songInput());
      await db.caller.song.delete({ id: song.id });
    }
  };
  const writers = Array.from({ length: 4 }, writer);
  const disagreements: { items: number; total: number }[] = [];
  try {
    for (let round = 0; round < 20; round += 1) {
      const page = await db.caller.song.list({ limit: 100 });
      if (page.items.length !== page.total)
        disagreements.push({ items: page.items.length, total: page.total });
    }
  } finally {
    writing = false;
    await Promise.all(writers);
  }
  expect(disagreements).toEqual([]);
});
