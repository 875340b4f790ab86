/**
 * The shapes of the /v1 REST surface, in the original FastAPI service's names (snake_case,
 * fastapi-filter's `field__op` parameters). The handlers parse requests with them and
 * src/rest/openapi.ts renders them into the OpenAPI document, so the two cannot drift.
 *
 * Field rules are the procedures' own schemas (src/songs/schemas.ts) wherever a field exists in
 * both: a REST request is judged exactly as the tRPC call it becomes.
 */
import { z } from 'zod';
import {
  calendarDate,
  namesAFieldTwice,
  ORDER_BY_MAX_KEYS,
  PAGE_LIMIT_DEFAULT,
  PAGE_LIMIT_MAX,
  type SortKey,
  songCreateSchema,
  streamsBound,
  TEXT_MAX_LENGTH,
} from '../songs/schemas.js';

/**
 * What the document says a transformed field is (zod-openapi would otherwise describe the raw
 * input, e.g. the string a query number arrives as): replaces the rendered schema entirely.
 */
function documentedAs(schema: Record<string, unknown>) {
  return {
    override: ({ jsonSchema }: { jsonSchema: Record<string, unknown> }) => {
      for (const key of Object.keys(jsonSchema)) delete jsonSchema[key];
      Object.assign(jsonSchema, schema);
    },
  };
}

// Requests ------------------------------------------------------------------------------------

/** A date field as JSON and query strings carry it; parsed by the procedures' own rule. */
const restDate = (field: string, description: string) =>
  calendarDate(field).meta(documentedAs({ type: 'string', format: 'date', description }));

/**
 * A query-string number, written as JSON writes numbers (`1e3` is 1000; `0x10`, `` and ` ` are not
 * numbers, though `Number()` would take them). `type` is pydantic's name for the problem.
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;
const queryNumber = (field: string, schema: Record<string, unknown>, integer = false) =>
  z
    .string()
    .refine((value) => (integer ? INTEGER : DECIMAL).test(value), {
      error: `${field} must be ${integer ? 'an integer' : 'a number'}`,
      params: { type: integer ? 'int_parsing' : 'float_parsing' },
    })
    .transform(Number)
    .meta(documentedAs({ type: integer ? 'integer' : 'number', ...schema }));

/** An SQL ILIKE pattern (`%` any run, `_` any one character, `\` escapes), as PostgreSQL takes it. */
export const ilikePattern = (field: string) =>
  z
    .string({ error: `${field} must be a string` })
    .max(TEXT_MAX_LENGTH, `${field} must be at most ${TEXT_MAX_LENGTH} characters`)
    .refine((pattern) => !pattern.includes('\0'), `${field} must not contain NUL characters`)
    // PostgreSQL refuses a pattern ending in a lone escape character: a 500 otherwise.
    .refine(
      (pattern) => !/(?:^|[^\\])(?:\\\\)*\\$/.test(pattern),
      `${field} must not end with the escape character "\\"`,
    )
    .meta({ description: 'SQL ILIKE pattern: `%` matches any run of characters, `_` any one, `\\` escapes' });

/** REST sort names and the procedures' sort fields. */
export const REST_SORT_FIELDS = {
  name: 'name',
  artist: 'artist',
  streams: 'streams',
  released_on: 'releasedOn',
  created_at: 'createdAt',
} as const;
type RestSortName = keyof typeof REST_SORT_FIELDS;
const isRestSortName = (name: string): name is RestSortName => Object.hasOwn(REST_SORT_FIELDS, name);

/** fastapi-filter's `order_by`: `-streams,name`; `+name` is `name` (and `+` decoded as a space too). */
const orderBy = z
  .string()
  .transform((value, ctx): SortKey[] | undefined => {
    const keys = value
      .split(',')
      .map((key) => key.trim())
      .filter((key) => key !== '');
    if (keys.length === 0) return undefined;
    const sortKeys: SortKey[] = [];
    for (const key of keys) {
      const descending = key.startsWith('-');
      const name = key.replace(/^[-+]/, '');
      if (!isRestSortName(name)) {
        ctx.addIssue({
          // Stryker disable next-line StringLiteral: equivalent, errors.ts gives an issue of no known code the same type as a custom one, "value_error"
          code: 'custom',
          message: `order_by keys must be one of ${Object.keys(REST_SORT_FIELDS).join(', ')}, optionally prefixed with "-" or "+"`,
          input: key,
        });
        return z.NEVER;
      }
      const field = REST_SORT_FIELDS[name];
      sortKeys.push(descending ? `-${field}` : field);
    }
    if (namesAFieldTwice(sortKeys)) {
      ctx.addIssue('order_by must not name a field twice');
      return z.NEVER;
    }
    return sortKeys;
  })
  .meta(
    documentedAs({
      type: 'string',
      description:
        `Comma-separated sort keys (${Object.keys(REST_SORT_FIELDS).join(', ')}), each optionally prefixed ` +
        `with "-" (descending) or "+"; at most ${ORDER_BY_MAX_KEYS}, no field twice. Ties fall to id. ` +
        'Default: created_at.',
      examples: ['-streams,name'],
    }),
  );

/** `GET /v1/songs` query parameters; unknown ones are ignored, as FastAPI does. */
export const restSongListQuery = z.object({
  name: songCreateSchema.shape.name.optional().meta({ description: 'Exact name' }),
  artist: songCreateSchema.shape.artist.optional().meta({ description: 'Exact artist' }),
  name__ilike: ilikePattern('name__ilike').optional(),
  artist__ilike: ilikePattern('artist__ilike').optional(),
  streams__gte: queryNumber('streams__gte', { description: 'streams at least this' })
    .pipe(streamsBound('streams__gte'))
    .optional(),
  streams__lte: queryNumber('streams__lte', { description: 'streams at most this' })
    .pipe(streamsBound('streams__lte'))
    .optional(),
  released_on__gte: restDate('released_on__gte', 'Released on or after this day').optional(),
  released_on__lte: restDate('released_on__lte', 'Released on or before this day').optional(),
  order_by: orderBy.optional(),
  limit: queryNumber(
    'limit',
    { minimum: 1, maximum: PAGE_LIMIT_MAX, default: PAGE_LIMIT_DEFAULT },
    true,
  ).optional(),
  offset: queryNumber('offset', { minimum: 0, default: 0 }, true).optional(),
});

export const restSongIdParams = z.object({
  id: z.string().meta({ description: 'The song id', format: 'uuid' }),
});

/** A request body; unknown fields are dropped, as pydantic does by default. */
export const restSongCreate = z
  .object({
    name: songCreateSchema.shape.name,
    artist: songCreateSchema.shape.artist,
    streams: songCreateSchema.shape.streams,
    released_on: restDate('released_on', 'Release day, "YYYY-MM-DD"'),
  })
  .meta({ id: 'SongCreate' });

export const restSongUpdate = restSongCreate
  .partial()
  // JSON has no `undefined`, and zod adds no key the body left out: any key is a change.
  .refine((patch) => Object.keys(patch).length > 0, {
    error: 'the body must change at least one of name, artist, streams, released_on',
  })
  .meta({ id: 'SongUpdate' });

// Responses -----------------------------------------------------------------------------------

export const restSong = z
  .object({
    id: z.uuid(),
    name: z.string(),
    artist: z.string(),
    streams: z.number(),
    released_on: z.iso.date(),
    created_at: z.iso.datetime(),
  })
  .meta({ id: 'Song' });

/** `GET /v1/songs/{id}` answers without `created_at`, as the original did. */
export const restSongRead = restSong.omit({ created_at: true }).meta({ id: 'SongRead' });

export const restSongPage = z
  .object({
    items: z.array(restSong),
    total: z.int().min(0),
    limit: z.int(),
    offset: z.int(),
  })
  .meta({ id: 'SongPage' });

export const restPing = z.object({ ping: z.literal('pong!') }).meta({ id: 'Ping' });

/** FastAPI's validation error: one entry per problem, `loc` naming where it is. */
export const restValidationError = z
  .object({
    detail: z.array(
      z.object({
        loc: z.array(z.union([z.string(), z.int()])),
        msg: z.string(),
        type: z.string(),
      }),
    ),
  })
  .meta({ id: 'HTTPValidationError' });

export const restError = z.object({ detail: z.string() }).meta({ id: 'HTTPError' });

export type RestSong = z.infer<typeof restSong>;
export type RestSongPage = z.infer<typeof restSongPage>;
export type RestValidationError = z.infer<typeof restValidationError>;
