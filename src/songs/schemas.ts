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

/** PostgreSQL text cannot hold U+0000: refused here, it would otherwise be a database error. */
const hasNoNul = (text: string) => !text.includes('\0');

/** A trimmed, non-empty string of at most 200 characters, as `name` and `artist` are stored. */
const songText = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(TEXT_MAX_LENGTH, `${field} must be at most ${TEXT_MAX_LENGTH} characters`)
    .refine(hasNoNul, { error: `${field} must not contain NUL characters` });

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const [MIN_YEAR, MAX_YEAR] = [1, 9999];

/** 00:00 UTC of a day; `setUTCFullYear`, unlike `Date.UTC`, does not read years 0-99 as 19xx. */
function utcMidnight(year: number, monthIndex: number, day: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  return date;
}

/** The date "YYYY-MM-DD" names, or null when it names no real calendar date. */
function parseIsoDate(value: string): Date | null {
  const match = ISO_DATE.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = utcMidnight(year, month - 1, day);
  // 2023-02-30 rolls over to March 2nd; a real date survives the round trip.
  const isReal =
    year >= MIN_YEAR &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day;
  return isReal ? date : null;
}

/**
 * A calendar date: a `Date` (its UTC day is taken) or a "YYYY-MM-DD" string naming a real date.
 * Always parses to a `Date` at 00:00 UTC, which is how a SQL `date` comes back from Prisma.
 */
export const calendarDate = (field: string) =>
  z
    .union([z.date(), z.string()], {
      error: `${field} must be a Date or a "YYYY-MM-DD" string`,
    })
    .transform((value, ctx) => {
      if (value instanceof Date) {
        // Years outside 1..9999 have no "YYYY-MM-DD" form (and some no SQL date): not a release date.
        const year = value.getUTCFullYear();
        if (year < MIN_YEAR || year > MAX_YEAR) {
          ctx.addIssue({ code: 'custom', message: `${field} must be between 0001-01-01 and 9999-12-31` });
          return z.NEVER;
        }
        return utcMidnight(year, value.getUTCMonth(), value.getUTCDate());
      }
      const date = parseIsoDate(value);
      if (date === null) {
        ctx.addIssue({
          code: 'custom',
          message: `${field} must be a real calendar date written "YYYY-MM-DD"`,
        });
        return z.NEVER;
      }
      return date;
    });

const streams = (field: string) =>
  z.number({ error: `${field} must be a finite number` }).min(0, `${field} must not be negative`);

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

export const songByIdInput = z.strictObject({ id: songIdSchema });
export const songDeleteInput = songByIdInput;
export const songUpdateInput = z.strictObject({ id: songIdSchema, data: songPatchSchema });

/** The fields a list can be ordered by; `-field` sorts descending. Ties always fall to `id`. */
export const SORT_FIELDS = ['name', 'artist', 'streams', 'releasedOn', 'createdAt'] as const;
export type SortField = (typeof SORT_FIELDS)[number];
export type SortKey = SortField | `-${SortField}`;
const SORT_KEYS = SORT_FIELDS.flatMap((field) => [field, `-${field}`] as const);

export const orderBySchema = z
  .array(
    z.enum(SORT_KEYS as [SortKey, ...SortKey[]], {
      error: `orderBy keys must be one of ${SORT_FIELDS.join(', ')}, optionally prefixed with "-"`,
    }),
  )
  .min(1, 'orderBy must name at least one key')
  .max(ORDER_BY_MAX_KEYS, `orderBy takes at most ${ORDER_BY_MAX_KEYS} keys`)
  .refine(
    (keys) => new Set(keys.map((key) => key.replace(/^-/, ''))).size === keys.length,
    'orderBy must not name a field twice',
  )
  .default(['createdAt']);

const substring = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .max(TEXT_MAX_LENGTH, `${field} must be at most ${TEXT_MAX_LENGTH} characters`)
    .refine(hasNoNul, `${field} must not contain NUL characters`);

const bound = (field: string) => z.number({ error: `${field} must be a finite number` });

/** Every field optional; all given fields must hold. */
export const songFilterShape = {
  name: songText('name').optional(),
  artist: songText('artist').optional(),
  nameContains: substring('nameContains').optional(),
  artistContains: substring('artistContains').optional(),
  streamsGte: bound('streamsGte').optional(),
  streamsLte: bound('streamsLte').optional(),
  releasedOnGte: calendarDate('releasedOnGte').optional(),
  releasedOnLte: calendarDate('releasedOnLte').optional(),
};
export const songFilterSchema = z.strictObject(songFilterShape);

const limit = z
  .number({ error: 'limit must be an integer' })
  .int('limit must be an integer')
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
      .int('offset must be an integer')
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

/** The public shape of a song: exactly these columns leave the server. */
export const songSchema = z.object({
  id: z.string(),
  name: z.string(),
  artist: z.string(),
  streams: z.number(),
  releasedOn: z.date(),
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

export type Song = z.infer<typeof songSchema>;
export type SongCreate = z.input<typeof songCreateSchema>;
export type SongPatch = z.input<typeof songPatchSchema>;
export type SongFilter = z.output<typeof songFilterSchema>;
export type SongListInput = z.input<typeof songListInput>;
export type SongInfiniteInput = z.input<typeof songInfiniteInput>;
export type SongListOutput = z.infer<typeof songListOutput>;
export type SongInfiniteOutput = z.infer<typeof songInfiniteOutput>;
