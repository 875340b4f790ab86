/**
 * The opaque keyset cursor of song.infinite.
 *
 * A cursor is base64url JSON holding the last row's sort values and id, plus a fingerprint of the
 * filter and orderBy it was made with. Decoding validates all of it: a cursor that is malformed,
 * or that comes back with another filter or order, is a BAD_REQUEST naming `cursor` (a client
 * would otherwise silently get a wrong page). Cursors are not secret; they hold only values the
 * client has already received.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { KeysetPosition, SortTerm, SortValue } from './query.js';
import {
  hasNoNul,
  inYearRange,
  isWellFormed,
  type SongFilter,
  STREAMS_MAX,
  TEXT_MAX_LENGTH,
} from './schemas.js';

const CURSOR_VERSION = 1;

const cursorPayload = z.strictObject({
  v: z.literal(CURSOR_VERSION),
  f: z.string(),
  k: z.array(z.union([z.string(), z.number()])),
  id: z.guid(),
});

// A forged cursor must fail here, not in the database: its values are held to the ranges of the
// inputs (PostgreSQL rejects NUL in text, year 0 in a date or timestamp, and floats it cannot round).
const cursorText = z.string().max(TEXT_MAX_LENGTH).refine(hasNoNul).refine(isWellFormed);
const cursorInstant = z.iso
  .datetime()
  .transform((iso) => new Date(iso))
  .refine(inYearRange);

const sortValueSchemas = {
  name: cursorText,
  artist: cursorText,
  streams: z.number().min(0).max(STREAMS_MAX),
  releasedOn: cursorInstant,
  createdAt: cursorInstant,
} satisfies Record<SortTerm['field'], z.ZodType<SortValue>>;

export class CursorError extends Error {
  // Stryker disable next-line StringLiteral: equivalent, the router tells a CursorError by instanceof and sends only its message
  override name = 'CursorError';
}

/**
 * The filter's keys in a fixed order. A safeguard: zod's parsed filter already lists its keys in the
 * schema's order, whatever order the client sent them in, so through the API the sort changes nothing.
 */
// Stryker disable next-line ArrowFunction,ConditionalExpression,EqualityOperator,UnaryOperator: equivalent, see above
const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : 1);

/** A stable digest of what the cursor is bound to; the page size is free to change between pages. */
export function cursorFingerprint(filter: SongFilter, terms: readonly SortTerm[]): string {
  // Stryker disable next-line MethodExpression: equivalent, removing the sort (see byKey); this also turns off removing the filter, which the explicit-undefined test kills
  const canonicalFilter = Object.entries(filter)
    .filter(([, value]) => value !== undefined)
    .sort(byKey)
    .map(([key, value]) => [key, value instanceof Date ? value.toISOString() : value]);
  const canonical = JSON.stringify([canonicalFilter, terms.map((t) => [t.field, t.descending])]);
  // Stryker disable next-line MethodExpression: equivalent, a fingerprint is only compared with another made the same way; its length is not checked
  return createHash('sha256').update(canonical).digest('base64url').slice(0, 16);
}

export function encodeCursor(fingerprint: string, position: KeysetPosition): string {
  const payload: z.input<typeof cursorPayload> = {
    v: CURSOR_VERSION,
    f: fingerprint,
    k: position.values.map((value) => (value instanceof Date ? value.toISOString() : value)),
    id: position.id,
  };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

export function decodeCursor(
  cursor: string,
  fingerprint: string,
  terms: readonly SortTerm[],
): KeysetPosition {
  let json: unknown;
  // Stryker disable BlockStatement: equivalent for the catch, text that is not JSON leaves `json` undefined, which the payload check below refuses with the same message (this also turns off emptying the try block, which every walk kills)
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorError('cursor is malformed');
  }
  // Stryker restore BlockStatement
  const payload = cursorPayload.safeParse(json);
  if (!payload.success || payload.data.k.length !== terms.length) {
    throw new CursorError('cursor is malformed');
  }
  if (payload.data.f !== fingerprint) {
    throw new CursorError('cursor was made for a different filter or orderBy; start again without a cursor');
  }
  const values: SortValue[] = [];
  for (const [index, term] of terms.entries()) {
    const value = sortValueSchemas[term.field].safeParse(payload.data.k[index]);
    if (!value.success) throw new CursorError('cursor is malformed');
    values.push(value.data);
  }
  return { values, id: payload.data.id };
}
