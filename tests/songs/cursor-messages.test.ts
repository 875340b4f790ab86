/**
 * The text of every way song.infinite refuses a cursor, word for word (it is part of the contract:
 * a client shows it). A cursor is refused at three steps: it is not base64url JSON, its JSON is not
 * a cursor (wrong shape, or as many values as another orderBy has), or a value is out of range;
 * each says "cursor is malformed". Reusing a cursor with another filter or order says so instead.
 */
import { describe, expect, it } from 'vitest';
import { expectTRPCError } from '../support/errors.js';
import { useTestDatabase } from '../support/test-database.js';
import type { SortKey } from './helpers.js';

const decode = (cursor: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
const encode = (payload: unknown): string => Buffer.from(JSON.stringify(payload)).toString('base64url');

describe('song.infinite: the message of a refused cursor', () => {
  const db = useTestDatabase({ fixture: true });

  async function cursorFor(orderBy: SortKey[]): Promise<string> {
    const { nextCursor } = await db.caller.song.infinite({ orderBy, limit: 10 });
    if (nextCursor === null) throw new Error('expected a second page');
    return nextCursor;
  }

  async function messageFor(orderBy: SortKey[], cursor: string): Promise<string> {
    const error = await expectTRPCError(
      db.caller.song.infinite({ orderBy, cursor }),
      'BAD_REQUEST',
      'cursor',
    );
    return error.message;
  }

  it('text that is not base64url JSON', async () => {
    expect(await messageFor(['name'], 'not a cursor')).toBe('cursor is malformed');
  });

  it('JSON that is not a cursor', async () => {
    expect(await messageFor(['name'], encode({ page: 2 }))).toBe('cursor is malformed');
  });

  it('a cursor with one value fewer than its orderBy has keys', async () => {
    const payload = decode(await cursorFor(['artist', 'name']));
    const tampered = encode({ ...payload, k: (payload.k as unknown[]).slice(0, 1) });
    expect(await messageFor(['artist', 'name'], tampered)).toBe('cursor is malformed');
  });

  it('a value out of range', async () => {
    const payload = decode(await cursorFor(['streams']));
    expect(await messageFor(['streams'], encode({ ...payload, k: [-1] }))).toBe('cursor is malformed');
  });

  it('a cursor made for another orderBy', async () => {
    const cursor = await cursorFor(['name']);
    expect(await messageFor(['artist'], cursor)).toBe(
      'cursor was made for a different filter or orderBy; start again without a cursor',
    );
  });
});
