/**
 * The zod schemas of the song.* procedures: inputs, outputs and the shapes they share.
 *
 * This module is shared with the client package (frontends reuse the input schemas for form
 * validation), so it imports nothing but zod: no Prisma, no Node built-ins.
 */
import { z } from 'zod';

export const TEXT_MAX_LENGTH = 200;
export const PAGE_LIMIT_MAX = 100;
export const PAGE_LIMIT_DEFAULT = 50;
export const ORDER_BY_MAX_KEYS = 5;
/**
 * The largest `streams` (and the widest filter bound) accepted: below 2^53 and with at most 15
 * significant digits, so that every value survives the trip through PostgreSQL's float8 text form.
 */
export const STREAMS_MAX = 1e15;

/** PostgreSQL text cannot hold U+0000: refused here, it would otherwise be a database error. */
export const hasNoNul = (text: string) => !text.includes('\0');

/**
 * No lone surrogate: the database would store it as U+FFFD, so two different inputs would become one
 * song. `String.prototype.isWellFormed` says the same, but the ES2023 lib this compiles against (and
 * older browsers using the client's schemas) lack it; in a `u` regex a surrogate pair is one code
 * point, so `\p{Cs}` matches only unpaired halves.
 */
export const isWellFormed = (text: string) => !/\p{Cs}/u.test(text);

/** A trimmed, non-empty string of at most 200 characters, as `name` and `artist` are stored. */
const songText = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(TEXT_MAX_LENGTH, `${field} must be at most ${TEXT_MAX_LENGTH} characters`)
    .refine(hasNoNul, { error: `${field} must not contain NUL characters` })
    .refine(isWellFormed, { error: `${field} must be well-formed Unicode (no unpaired surrogates)` });

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const [MIN_YEAR, MAX_YEAR] = [1, 9999];

/** 00:00 UTC of a day; `setUTCFullYear`, unlike `Date.UTC`, does not read years 0-99 as 19xx. */
function utcMidnight(year: number, monthIndex: number, day: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  return date;
}

/** The date "YYYY-MM-DD" names, or null when it names no real calendar date. */
export function parseIsoDate(value: string): Date | null {
  const match = ISO_DATE.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = utcMidnight(year, month - 1, day);
  // 2023-02-30 rolls over to March 2nd: a day that is not in its month (00 to 99 can be written)
  // lands in another month, so the month alone tells a real date from one that rolled over.
  const isReal = year >= MIN_YEAR && date.getUTCMonth() === month - 1;
  return isReal ? date : null;
}

/** Whether a `Date`'s UTC year has a "YYYY-MM-DD" form (and a SQL date, and a SQL timestamp). */
export const inYearRange = (date: Date) => {
  const year = date.getUTCFullYear();
  return year >= MIN_YEAR && year <= MAX_YEAR;
};

/** The "YYYY-MM-DD" of a `Date`'s UTC day (years 1..9999). */
export const toIsoDate = (date: Date) => date.toISOString().slice(0, 10);

/**
 * A calendar date: a `Date` (its UTC day is taken) or a "YYYY-MM-DD" string naming a real date.
 * Parses to a `Date` at 00:00 UTC, the form Prisma reads and writes a SQL `date` in (the import
 * writes what this accepted, too); outputs turn it back into "YYYY-MM-DD" (see `songSchema`).
 */
export const calendarDate = (field: string) =>
  z
    .union([z.date(), z.string()], {
      error: `${field} must be a Date or a "YYYY-MM-DD" string`,
    })
    .transform((value, ctx) => {
      if (value instanceof Date) {
        // Years outside 1..9999 have no "YYYY-MM-DD" form (and some no SQL date): not a release date.
        if (!inYearRange(value)) {
          ctx.addIssue(`${field} must be between 0001-01-01 and 9999-12-31`);
          return z.NEVER;
        }
        return utcMidnight(value.getUTCFullYear(), value.getUTCMonth(), value.getUTCDate());
      }
      const date = parseIsoDate(value);
      if (date === null) {
        ctx.addIssue(`${field} must be a real calendar date written "YYYY-MM-DD"`);
        return z.NEVER;
      }
      return date;
    });

const streams = (field: string) =>
  z
    .number({ error: `${field} must be a finite number` })
    .min(0, `${field} must not be negative`)
    .max(STREAMS_MAX, `${field} must be at most 1e15`);

/** Anything PostgreSQL accepts as a uuid column value; no version or variant check. */
export const songIdSchema = z.guid({ error: 'id must be a UUID' });

export const songCreateSchema = z.strictObject({
  name: songText('name'),
  artist: songText('artist'),
  streams: streams('streams'),
  releasedOn: calendarDate('releasedOn'),
});

export const songPatchSchema = songCreateSchema
  .partial()
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    error: 'data must change at least one of name, artist, streams, releasedOn',
  });

/** Optimistic concurrency: the `updatedAt` the caller last read; the write happens only if it still is. */
const ifUpdatedAt = z
  .date({ error: 'ifUpdatedAt must be a Date (the updatedAt you last read)' })
  .refine(inYearRange, 'ifUpdatedAt must be between 0001-01-01 and 9999-12-31')
  .optional();

export const songByIdInput = z.strictObject({ id: songIdSchema });
export const songDeleteInput = z.strictObject({ id: songIdSchema, ifUpdatedAt });
export const songUpdateInput = z.strictObject({ id: songIdSchema, data: songPatchSchema, ifUpdatedAt });

/** The fields a list can be ordered by; `-field` sorts descending. Ties always fall to `id`. */
export const SORT_FIELDS = ['name', 'artist', 'streams', 'releasedOn', 'createdAt'] as const;
export type SortField = (typeof SORT_FIELDS)[number];
export type SortKey = SortField | `-${SortField}`;
const SORT_KEYS = SORT_FIELDS.flatMap((field) => [field, `-${field}`] as const);

/** Whether sort keys order by a field twice: `name` and `-name` both order by name. */
export function namesAFieldTwice(keys: readonly SortKey[]): boolean {
  // Stryker disable next-line Regex: equivalent without `^`, a sort key holds "-" only as its first character
  const fields = keys.map((key) => key.replace(/^-/, ''));
  return new Set(fields).size < fields.length;
}

export const orderBySchema = z
  .array(
    z.enum(SORT_KEYS as [SortKey, ...SortKey[]], {
      error: `orderBy keys must be one of ${SORT_FIELDS.join(', ')}, optionally prefixed with "-"`,
    }),
  )
  .min(1, 'orderBy must name at least one key')
  .max(ORDER_BY_MAX_KEYS, `orderBy takes at most ${ORDER_BY_MAX_KEYS} keys`)
  .refine((keys) => !namesAFieldTwice(keys), 'orderBy must not name a field twice')
  .default(['createdAt']);

const substring = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .max(TEXT_MAX_LENGTH, `${field} must be at most ${TEXT_MAX_LENGTH} characters`)
    .refine(hasNoNul, `${field} must not contain NUL characters`)
    .refine(isWellFormed, `${field} must be well-formed Unicode (no unpaired surrogates)`);

/** A streams bound of a filter; REST's query parameters use it under their own names. */
export const streamsBound = (field: string) =>
  z
    .number({ error: `${field} must be a finite number` })
    .min(-STREAMS_MAX, `${field} must be between -1e15 and 1e15`)
    .max(STREAMS_MAX, `${field} must be between -1e15 and 1e15`);

/** Every field optional; all given fields must hold. */
export const songFilterShape = {
  name: songText('name').optional(),
  artist: songText('artist').optional(),
  nameContains: substring('nameContains').optional(),
  artistContains: substring('artistContains').optional(),
  streamsGte: streamsBound('streamsGte').optional(),
  streamsLte: streamsBound('streamsLte').optional(),
  releasedOnGte: calendarDate('releasedOnGte').optional(),
  releasedOnLte: calendarDate('releasedOnLte').optional(),
};
export const songFilterSchema = z.strictObject(songFilterShape);

// A check with no text of its own (`.int()`) reports the schema's `error`.
const limit = z
  .number({ error: 'limit must be an integer' })
  .int()
  .min(1, 'limit must be at least 1')
  .max(PAGE_LIMIT_MAX, `limit must be at most ${PAGE_LIMIT_MAX}`)
  .default(PAGE_LIMIT_DEFAULT);

// `prefault({})` (not `default`) so that calling with no input still applies the inner defaults.
export const songListInput = z
  .strictObject({
    ...songFilterShape,
    orderBy: orderBySchema,
    limit,
    offset: z
      .number({ error: 'offset must be an integer' })
      .int()
      .min(0, 'offset must not be negative')
      .default(0),
  })
  .prefault({});

export const songInfiniteInput = z
  .strictObject({
    ...songFilterShape,
    orderBy: orderBySchema,
    limit,
    cursor: z.string({ error: 'cursor must be a string' }).max(4096, 'cursor is malformed').nullish(),
    // tRPC's infinite-query integrations (useInfiniteQuery, infiniteQueryOptions) send the page
    // direction with every page. Pages only go forward (there is no previous-page cursor).
    direction: z.literal('forward', { error: 'direction must be "forward"' }).optional(),
  })
  .prefault({});

/**
 * The one place a stored date becomes the contract's "YYYY-MM-DD": Prisma returns a SQL `date` as a
 * `Date` at 00:00 UTC, which a client west of UTC would show a day early. A string passes as is.
 */
const calendarDateOutput = z.union([z.date().transform(toIsoDate), z.string().regex(ISO_DATE)]);

/** The public shape of a song: exactly these columns leave the server. */
export const songSchema = z.object({
  id: z.string(),
  name: z.string(),
  artist: z.string(),
  streams: z.number(),
  releasedOn: calendarDateOutput,
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const songListOutput = z.object({
  items: z.array(songSchema),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const songInfiniteOutput = z.object({
  items: z.array(songSchema),
  nextCursor: z.string().nullable(),
});

export type Song = z.output<typeof songSchema>;
export type SongCreate = z.input<typeof songCreateSchema>;
export type SongPatch = z.input<typeof songPatchSchema>;
export type SongFilter = z.output<typeof songFilterSchema>;
export type SongListInput = z.input<typeof songListInput>;
export type SongInfiniteInput = z.input<typeof songInfiniteInput>;
export type SongListOutput = z.infer<typeof songListOutput>;
export type SongInfiniteOutput = z.infer<typeof songInfiniteOutput>;
