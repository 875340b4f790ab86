/**
 * Ids for imported songs: UUIDv7 (RFC 9562), a 48-bit Unix millisecond time first, so ids grow
 * with time and, within a batch, with the file's order.
 *
 * Why not random v4 ids (gen_random_uuid()): with them every insert lands on a random page of the
 * primary key and of the (created_at, id) index, and at a million rows those pages no longer stay
 * in memory, and a large import slows down several times (docs/performance.md). Time-ordered ids
 * append at the right edge. A side effect: imported songs listed by createdAt come in file order.
 *
 * Ids are written as text straight into the COPY data (copy-data.ts) rather than made as
 * strings: a million id strings kept alive until their batch is sent were a large share of the
 * import's garbage collection.
 */
import { randomFillSync } from 'node:crypto';

/** Bits of the per-batch sequence (spread over rand_a and the top of rand_b); the rest is random. */
const SEQUENCE_LIMIT = 2 ** 28;
/** Characters of a UUID's text form. */
export const UUID_TEXT_LENGTH = 36;

/** The two lowercase hex digits of each byte, as ASCII codes. */
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const HEX_HIGH = Uint8Array.from(HEX, (pair) => pair.charCodeAt(0));
const HEX_LOW = Uint8Array.from(HEX, (pair) => pair.charCodeAt(1));
const DASH = 0x2d;
/** After bytes 3, 5, 7 and 9 of the 16, the text form has a dash (8-4-4-4-12 digits). */
const DASH_AFTER = Uint8Array.from({ length: 16 }, (_, at) =>
  at === 3 || at === 5 || at === 7 || at === 9 ? 1 : 0,
);

/** Random bytes drawn in bulk: 6 per id. */
const RANDOM_POOL_BYTES = 6 * 4096;

/** Writes the ids of one batch, each later than the one before. */
export interface TimeOrderedIdBatch {
  /** Writes the next id's 36-character text at `offset` of `target`; returns the offset after it. */
  writeNext(target: Uint8Array, offset: number): number;
}

/**
 * A source of strictly increasing UUIDv7s, one batch at a time: every batch gets a later
 * millisecond than the last one (even on a fast machine, or after the clock steps back), and a
 * sequence number orders the ids within it.
 */
export function timeOrderedIds(now: () => number = Date.now): { nextBatch(): TimeOrderedIdBatch } {
  let lastMillis = 0;
  const pool = new Uint8Array(RANDOM_POOL_BYTES);
  let poolAt = RANDOM_POOL_BYTES;
  const bytes = new Uint8Array(16);

  return {
    nextBatch() {
      const millis = Math.max(now(), lastMillis + 1);
      lastMillis = millis;
      // 48 bits do not fit a 32-bit shift: split the time into its high 16 and low 32 bits.
      const high = Math.floor(millis / 2 ** 32);
      const low = millis >>> 0;
      let seq = 0;
      return {
        writeNext(target, offset) {
          if (seq >= SEQUENCE_LIMIT) throw new RangeError(`at most ${SEQUENCE_LIMIT} ids per batch`);
          if (poolAt === RANDOM_POOL_BYTES) {
            randomFillSync(pool);
            poolAt = 0;
          }
          bytes[0] = high >>> 8;
          bytes[1] = high;
          bytes[2] = low >>> 24;
          bytes[3] = low >>> 16;
          bytes[4] = low >>> 8;
          bytes[5] = low;
          bytes[6] = 0x70 | ((seq >>> 24) & 0x0f); // version 7 + 12 bits of sequence
          bytes[7] = (seq >>> 16) & 0xff;
          bytes[8] = 0x80 | ((seq >>> 10) & 0x3f); // RFC 9562 variant + 6 bits
          bytes[9] = (seq >>> 2) & 0xff;
          bytes[10] = ((seq & 0x03) << 6) | ((pool[poolAt] as number) & 0x3f); // 2 bits + random
          for (let at = 11; at < 16; at += 1) bytes[at] = pool[poolAt + at - 10] as number;
          poolAt += 6;
          seq += 1;
          let out = offset;
          for (let at = 0; at < 16; at += 1) {
            const byte = bytes[at] as number;
            target[out++] = HEX_HIGH[byte] as number;
            target[out++] = HEX_LOW[byte] as number;
            if (DASH_AFTER[at] === 1) target[out++] = DASH;
          }
          return out;
        },
      };
    },
  };
}
