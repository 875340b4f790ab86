/**
 * How `GET /v1/songs` reads its query string (src/rest/schemas.ts): numbers written as JSON writes
 * them, ILIKE patterns PostgreSQL can take, and fastapi-filter's `order_by`. tests/rest/list.test.ts
 * shows them over HTTP; this file states each rule at its edges.
 */
import { describe, expect, it } from 'vitest';
import { ilikePattern, restSongListQuery, restSongUpdate } from '../../src/rest/schemas.js';

const parse = (query: Record<string, string>) => restSongListQuery.safeParse(query);
const messages = (query: Record<string, string>) => parse(query).error?.issues.map((issue) => issue.message);

describe('query numbers', () => {
  it.each([
    ['1', 1],
    ['+1', 1],
    ['-1', -1],
    ['1.', 1],
    ['1.5', 1.5],
    ['12.75', 12.75],
    ['.5', 0.5],
    ['-.5', -0.5],
    ['10', 10],
    ['1e3', 1000],
    ['1E3', 1000],
    ['1e+3', 1000],
    ['2.5e-1', 0.25],
    ['.25', 0.25],
    ['1e10', 1e10],
  ])('take %j as %d', (text, value) => {
    expect(parse({ streams__gte: text }).data?.streams__gte).toBe(value);
  });

  it.each([
    '',
    ' ',
    '1 ',
    ' 1',
    '0x10',
    '0b1',
    '1e',
    'e3',
    '.',
    '-',
    '1.2.3',
    '--1',
    '+-1',
    '1_000',
    'Infinity',
    'NaN',
    '1e3.5',
    'a1',
    '1a',
  ])('refuse %j, naming the field', (text) => {
    expect(messages({ streams__gte: text })).toEqual(['streams__gte must be a number']);
  });

  it.each([
    ['7', 7],
    ['+7', 7],
    ['-7', -7],
    ['70', 70],
  ])('take %j as the integer %d where an integer belongs', (text, value) => {
    expect(parse({ offset: text }).data?.offset).toBe(value);
  });

  it.each(['1.0', '1.', '1e3', '.5', '', 'x1', '1x'])('refuse %j where an integer belongs', (text) => {
    expect(messages({ limit: text })).toEqual(['limit must be an integer']);
  });

  it('refuse a fraction for offset here, before the procedure sees it', () => {
    expect(messages({ offset: '1.5' })).toEqual(['offset must be an integer']);
  });

  it('tell pydantic’s problem type apart: float_parsing or int_parsing', () => {
    const issue = (query: Record<string, string>) => parse(query).error?.issues[0] as { params?: unknown };
    expect(issue({ streams__lte: 'x' }).params).toEqual({ type: 'float_parsing' });
    expect(issue({ limit: 'x' }).params).toEqual({ type: 'int_parsing' });
  });
});

describe('ILIKE patterns', () => {
  const pattern = ilikePattern('p');
  const ENDS_IN_ESCAPE = 'p must not end with the escape character "\\"';

  it.each(['a', '%a_', 'a\\\\', '\\\\', 'a\\%', '\\\\\\\\', '', 'x'.repeat(200)])('take %j', (text) => {
    expect(pattern.safeParse(text).success).toBe(true);
  });

  it.each(['\\', 'a\\', '\\\\\\', 'a\\\\\\', '%\\'])('refuse %j, which ends in a lone escape', (text) => {
    expect(pattern.safeParse(text).error?.issues.map((issue) => issue.message)).toEqual([ENDS_IN_ESCAPE]);
  });

  it('refuse a NUL, more than 200 characters, and what is not a string', () => {
    const message = (value: unknown) => pattern.safeParse(value).error?.issues.map((issue) => issue.message);
    expect(message('a\0b')).toEqual(['p must not contain NUL characters']);
    expect(message('x'.repeat(201))).toEqual(['p must be at most 200 characters']);
    expect(message(1)).toEqual(['p must be a string']);
  });
});

describe('order_by', () => {
  const orderBy = (text: string) => parse({ order_by: text });

  it.each([
    ['-streams,name', ['-streams', 'name']],
    ['+name', ['name']],
    [' name', ['name']],
    ['released_on, -created_at', ['releasedOn', '-createdAt']],
    ['artist,,streams,', ['artist', 'streams']],
  ])('reads %j as %j', (text, keys) => {
    expect(orderBy(text).data?.order_by).toEqual(keys);
  });

  it.each(['', ',', ' , '])('reads %j as no order (the default)', (text) => {
    const result = orderBy(text);
    expect(result.success).toBe(true);
    expect(result.data?.order_by).toBeUndefined();
  });

  it.each(['title', 'releasedOn', '--name', '-+name', 'name-', 'toString', 'name,constructor'])(
    'refuses %j, listing the names it takes',
    (text) => {
      expect(orderBy(text).error?.issues.map((issue) => issue.message)).toEqual([
        'order_by keys must be one of name, artist, streams, released_on, created_at, optionally prefixed with "-" or "+"',
      ]);
    },
  );

  it.each(['name,-name', 'streams,+streams', 'artist,name,artist'])(
    'refuses %j, which names a field twice',
    (text) => {
      expect(orderBy(text).error?.issues.map((issue) => issue.message)).toEqual([
        'order_by must not name a field twice',
      ]);
    },
  );
});

describe('each parameter names itself in its messages', () => {
  it.each([
    [{ name__ilike: 'x'.repeat(201) }, 'name__ilike must be at most 200 characters'],
    [{ artist__ilike: 'x'.repeat(201) }, 'artist__ilike must be at most 200 characters'],
    [{ streams__gte: 'x' }, 'streams__gte must be a number'],
    [{ streams__lte: 'x' }, 'streams__lte must be a number'],
    [{ streams__gte: '1e999' }, 'streams__gte must be a finite number'],
    [{ streams__lte: '-1e999' }, 'streams__lte must be a finite number'],
    [{ streams__gte: '2e15' }, 'streams__gte must be between -1e15 and 1e15'],
    [{ streams__lte: '-2e15' }, 'streams__lte must be between -1e15 and 1e15'],
    [
      { released_on__gte: '2023-02-30' },
      'released_on__gte must be a real calendar date written "YYYY-MM-DD"',
    ],
    [
      { released_on__lte: '2023-02-30' },
      'released_on__lte must be a real calendar date written "YYYY-MM-DD"',
    ],
    [{ limit: 'x' }, 'limit must be an integer'],
    [{ offset: 'x' }, 'offset must be an integer'],
  ])('%j: %s', (query, message) => {
    expect(messages(query)).toEqual([message]);
  });
});

describe('a PATCH body', () => {
  it('must change at least one field', () => {
    expect(restSongUpdate.safeParse({}).error?.issues.map((issue) => issue.message)).toEqual([
      'the body must change at least one of name, artist, streams, released_on',
    ]);
  });
});
