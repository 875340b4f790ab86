/**
 * The import's UUIDv7 ids (src/import/time-ordered-ids.ts), written as text into COPY data. What
 * an import cannot show on demand: a clock that stands still or steps back between batches.
 */
import { describe, expect, it } from 'vitest';
import { timeOrderedIds, UUID_TEXT_LENGTH } from '../../src/import/time-ordered-ids.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** `count` ids from each batch, as the strings COPY would read. */
function idsOf(source: ReturnType<typeof timeOrderedIds>, ...counts: number[]): string[][] {
  return counts.map((count) => {
    const batch = source.nextBatch();
    const text = new Uint8Array(count * UUID_TEXT_LENGTH);
    let offset = 0;
    for (let n = 0; n < count; n += 1) offset = batch.writeNext(text, offset);
    expect(offset).toBe(text.length);
    return Array.from({ length: count }, (_, n) =>
      Buffer.from(text.subarray(n * UUID_TEXT_LENGTH, (n + 1) * UUID_TEXT_LENGTH)).toString('latin1'),
    );
  });
}

describe('timeOrderedIds', () => {
  it('writes version 7 ids whose first 48 bits are the batch time in milliseconds', () => {
    const millis = Date.UTC(2026, 10, 25, 12, 0, 0, 123);
    const [ids] = idsOf(
      timeOrderedIds(() => millis),
      3,
    );
    for (const id of ids ?? []) {
      expect(id).toMatch(UUID_V7);
      expect(Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16)).toBe(millis);
    }
  });

  it('keeps ids strictly increasing across batches when the clock stands still or steps back', () => {
    const clock = [5_000, 5_000, 4_000];
    const ids = idsOf(
      timeOrderedIds(() => clock.shift() as number),
      1_000,
      1_000,
      1_000,
    ).flat();
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort());
  });
});
