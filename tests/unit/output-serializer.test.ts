/**
 * The output serializer writes what superjson writes, byte for byte, for every value (a client
 * decodes it with superjson), and takes its own one-pass path for the plain outputs procedures
 * return.
 */
import fc from 'fast-check';
import superjson from 'superjson';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { serializeOutput } from '../../src/http/output-serializer.js';

const SEED = 20261206;

const song = (index: number) => ({
  id: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
  name: `Song ${index}`,
  artist: 'Artist',
  streams: index / 3,
  releasedOn: '2020-01-31',
  createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, index)),
  updatedAt: new Date(Date.UTC(2026, 0, 2, 0, 0, index)),
});

/** Values of every kind superjson knows, nested, including those the fast path must hand over. */
const anyValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, '', 'a.b', '\\', -0, 0, 1.5, Number.NaN, Number.POSITIVE_INFINITY),
    fc.string(),
    fc.double(),
    fc.date({ min: new Date(Date.UTC(1, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)) }),
    fc.constant(new Date(Number.NaN)),
    fc.constant(undefined),
    fc.bigInt(),
    tie('array'),
    tie('object'),
    tie('map'),
  ),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('a.b', 'c\\d', 'items')), tie('value'), {
    maxKeys: 4,
  }),
  map: fc.array(fc.tuple(fc.string(), tie('value')), { maxLength: 2 }).map((entries) => new Map(entries)),
}));

describe('what it writes', () => {
  it('is exactly superjson’s output, for values of any kind', () => {
    fc.assert(
      fc.property(anyValue.value, (value) => {
        expect(serializeOutput(value)).toEqual(superjson.serialize(value));
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it.each([
    ['a list page', { items: [song(1), song(2)], total: 2, limit: 50, offset: 0 }],
    ['an infinite page', { items: [song(1)], nextCursor: null }],
    ['a song', song(7)],
    ['an empty page (no dates at all)', { items: [], total: 0, limit: 50, offset: 0 }],
    ['a top-level Date', new Date(0)],
    ['a Date beside an empty array', { a: song(1).createdAt, b: { c: [] as unknown[] } }],
    ['an array with a hole', Object.assign(new Array(3), { 0: 1, 2: 3 })],
    ['an object without a prototype', Object.assign(Object.create(null), { createdAt: new Date(0) })],
    [
      'a class instance',
      new (class Point {
        x = 1;
      })(),
    ],
  ])('is exactly superjson’s output for %s', (_, value) => {
    expect(serializeOutput(value)).toEqual(superjson.serialize(value));
  });

  it('is exactly superjson’s output for an object met twice', () => {
    const shared = { at: new Date(0) };
    const value = { first: shared, second: shared };
    expect(serializeOutput(value)).toEqual(superjson.serialize(value));
  });
});

describe('which path it takes', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes a page of songs without superjson’s walk', () => {
    const serialize = vi.spyOn(superjson, 'serialize');
    serializeOutput({ items: [song(1), song(2)], total: 2, limit: 50, offset: 0 });
    serializeOutput({ id: 'x', nested: [{ at: new Date(0) }], flag: true, none: null });
    expect(serialize).not.toHaveBeenCalled();
  });

  it.each([
    ['undefined', { a: undefined }],
    ['-0', { a: -0 }],
    ['NaN', [Number.NaN]],
    ['Infinity', [Number.NEGATIVE_INFINITY]],
    ['an invalid Date', { a: new Date(Number.NaN) }],
    ['a Map', { a: new Map() }],
    ['a bigint', { a: 1n }],
    ['a key with a dot', { 'a.b': 1 }],
    ['a key with a backslash', { 'a\\b': 1 }],
    [
      'a Date met twice',
      (() => {
        const at = new Date(0);
        return { a: at, b: at };
      })(),
    ],
  ])('hands %s to superjson', (_, value) => {
    const serialize = vi.spyOn(superjson, 'serialize');
    serializeOutput(value);
    expect(serialize).toHaveBeenCalledWith(value);
  });

  it('lets an error of the value itself through, as superjson does', () => {
    const value = {
      get boom(): never {
        throw new Error('getter failed');
      },
    };
    expect(() => serializeOutput(value)).toThrow('getter failed');
  });
});
