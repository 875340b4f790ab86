/**
 * The input envelope's rules (src/http/envelope.ts): what `{ json, meta? }` may hold, where each
 * bound lies, the message for each refusal, and what superjson then reads from an envelope that
 * passes. tests/http/envelope.test.ts shows the same check over HTTP and the cost of the worst
 * bodies; this file states the rules one by one.
 */
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import {
  checkEnvelope,
  checkedSuperjson,
  MAX_INPUT_DEPTH,
  MAX_INPUT_NODES,
  MAX_META_ENTRIES,
} from '../../src/http/envelope.js';

/** The message `checkEnvelope` refuses `input` with (fails the test if it accepts it). */
function refusal(input: unknown): string {
  try {
    checkEnvelope(input);
  } catch (error) {
    return (error as Error).message.replace('Invalid input envelope: ', '');
  }
  throw new Error('the envelope was accepted');
}
/** What the server's procedures receive for `envelope`, as sent over HTTP (parsed JSON text). */
const read = (envelope: unknown) => checkedSuperjson.input.deserialize(JSON.parse(JSON.stringify(envelope)));
const date = '2020-01-01T00:00:00.000Z';
const arrays = (depth: number, inside: unknown = []) =>
  Array.from({ length: depth - 1 }).reduce<unknown>((value) => [value], inside);

describe('the envelope itself', () => {
  it.each([null, [], 'x', 1])('must be an object: %j', (input) => {
    expect(refusal(input)).toBe('expected an object { json, meta? }');
  });

  it('holds json and meta only', () => {
    expect(refusal({ json: {}, extra: 1 })).toBe('unexpected key "extra" (expected { json, meta? })');
  });

  it('must hold json', () => {
    expect(refusal({})).toBe('"json" is missing (send { json: <input> })');
    expect(refusal({ meta: {} })).toBe('"json" is missing (send { json: <input> })');
  });

  it('without meta is passed on as it is', () => {
    expect(checkEnvelope({ json: { a: 1 } })).toEqual({ json: { a: 1 } });
    expect(read({ json: null })).toBeNull();
  });

  it.each([null, [], 'x'])('has a meta that is an object: %j', (meta) => {
    expect(refusal({ json: {}, meta })).toBe('meta must be an object');
  });

  it('has a meta holding values, referentialEqualities and v only', () => {
    expect(refusal({ json: {}, meta: { extra: 1 } })).toBe('unexpected key "meta.extra"');
    expect(checkEnvelope({ json: {}, meta: { values: {}, referentialEqualities: {}, v: 1 } })).toEqual({
      json: {},
      meta: { values: {}, referentialEqualities: {}, v: 1 },
    });
  });

  it.each([2, '1', null, 0])('has a meta.v of 1 when it has one, not %j', (v) => {
    expect(refusal({ json: {}, meta: { v } })).toBe('meta.v must be 1');
  });

  it('is read with superjson’s escaped paths even when meta.v is left out', () => {
    // Unversioned meta would make superjson keep both backslashes of "a\\b" and miss the key "a\b".
    const input = read({ json: { 'a\\b': date }, meta: { values: { 'a\\\\b': ['Date'] } } });
    expect(input).toEqual({ 'a\\b': new Date(date) });
  });
});

describe('the size of json', () => {
  it(`takes ${MAX_INPUT_DEPTH} levels of nesting and refuses one more`, () => {
    expect(() => checkEnvelope({ json: arrays(MAX_INPUT_DEPTH) })).not.toThrow();
    expect(refusal({ json: arrays(MAX_INPUT_DEPTH + 1) })).toBe(
      `json is nested deeper than ${MAX_INPUT_DEPTH} levels`,
    );
  });

  it('counts objects as levels, and a scalar at the deepest level as none', () => {
    expect(() => checkEnvelope({ json: arrays(MAX_INPUT_DEPTH, [1, 'x', null]) })).not.toThrow();
    expect(refusal({ json: arrays(MAX_INPUT_DEPTH, [{}]) })).toBe(
      `json is nested deeper than ${MAX_INPUT_DEPTH} levels`,
    );
  });

  it(`takes ${MAX_INPUT_NODES} values, the outermost one included, and refuses one more`, () => {
    const keys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 0]));
    expect(() => checkEnvelope({ json: keys(MAX_INPUT_NODES - 1) })).not.toThrow();
    expect(refusal({ json: keys(MAX_INPUT_NODES) })).toBe(`json holds more than ${MAX_INPUT_NODES} values`);
  });

  it('counts the values of nested objects and arrays together', () => {
    // The outer object and its keys a and b are 3 values; the two arrays hold the other 198.
    const json = { a: Array(99).fill(0), b: Array(99).fill(0) };
    expect(refusal({ json })).toBe(`json holds more than ${MAX_INPUT_NODES} values`);
    json.b.pop();
    expect(() => checkEnvelope({ json })).not.toThrow();
  });

  it('refuses a long array by its length', () => {
    expect(refusal({ json: Array(MAX_INPUT_NODES + 1).fill(0) })).toBe(
      `json holds more than ${MAX_INPUT_NODES} values`,
    );
  });
});

describe('meta.values', () => {
  it.each([null, 'x', 1])('must be an object or one annotation, not %j', (values) => {
    expect(refusal({ json: {}, meta: { values } })).toBe('meta.values must be an object');
  });

  it('turns the ISO strings it names into Dates, and the nulls into undefined', () => {
    const input = read({
      json: { releasedOnGte: date, data: { releasedOn: date }, list: [date], nameContains: null, streams: 1 },
      meta: {
        values: {
          releasedOnGte: ['Date'],
          'data.releasedOn': ['Date'],
          'list.0': ['Date'],
          nameContains: ['undefined'],
        },
      },
    });
    const day = new Date(date);
    expect(input).toStrictEqual({
      releasedOnGte: day,
      data: { releasedOn: day },
      list: [day],
      nameContains: undefined,
      streams: 1,
    });
  });

  it('takes one bare annotation for an input that is a Date or undefined', () => {
    expect(read({ json: date, meta: { values: ['Date'] } })).toEqual(new Date(date));
    expect(read({ json: null, meta: { values: ['undefined'] } })).toBeUndefined();
    expect(refusal({ json: 1, meta: { values: ['Date'] } })).toBe(
      'a Date at "" must be an ISO date string in json',
    );
  });

  it.each([
    ['a class', ['class', 'Foo']],
    ['another type', ['map']],
    ['a name not in a list', 'Date'],
    ['an empty list', []],
    ['two names', ['Date', 'Date']],
    ['a number', [1]],
  ])('annotates with ["Date"] or ["undefined"] only, not %s', (_, annotation) => {
    expect(refusal({ json: { a: date }, meta: { values: { a: annotation } } })).toBe(
      'meta.values at "a" must be ["Date"] or ["undefined"]',
    );
  });

  it.each([
    ['a number', 1],
    ['null', null],
    ['a string longer than 32 characters', `${date}+00:00:00:00`],
  ])('holds a Date as a string in json, not %s', (_, value) => {
    expect(refusal({ json: { a: value }, meta: { values: { a: ['Date'] } } })).toBe(
      'a Date at "a" must be an ISO date string in json',
    );
  });

  it('takes a Date string of 32 characters', () => {
    expect(() =>
      checkEnvelope({ json: { a: 'x'.repeat(32) }, meta: { values: { a: ['Date'] } } }),
    ).not.toThrow();
  });

  it.each([['x'], [0], [false], [{}]])('holds undefined as null in json, not %j', (value) => {
    expect(refusal({ json: { a: value }, meta: { values: { a: ['undefined'] } } })).toBe(
      'undefined at "a" must be null in json',
    );
  });

  it(`names at most ${MAX_META_ENTRIES} paths`, () => {
    const json = Object.fromEntries(Array.from({ length: MAX_META_ENTRIES + 1 }, (_, i) => [`d${i}`, null]));
    const values = (count: number) =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`d${i}`, ['undefined']]));
    expect(() => checkEnvelope({ json, meta: { values: values(MAX_META_ENTRIES) } })).not.toThrow();
    expect(refusal({ json, meta: { values: values(MAX_META_ENTRIES + 1) } })).toBe(
      `meta.values names more than ${MAX_META_ENTRIES} paths`,
    );
  });
});

describe('meta paths', () => {
  const annotate = (json: unknown, path: string) => ({ json, meta: { values: { [path]: ['Date'] } } });

  it('take "\\." as a dot and "\\\\" as a backslash inside a key', () => {
    expect(read(annotate({ 'a\\b': date }, 'a\\\\b'))).toEqual({ 'a\\b': new Date(date) });
    expect(read(annotate({ 'a.b': { c: date } }, 'a\\.b.c'))).toEqual({ 'a.b': { c: new Date(date) } });
  });

  it.each(['a\\x', 'a\\'])('refuse a backslash that escapes nothing: %s', (path) => {
    expect(refusal(annotate({ a: date }, path))).toBe(`meta path "${path}" has a stray backslash`);
  });

  it('take an index of several digits into an array', () => {
    const list = [...Array(10).fill(null), date];
    expect(read(annotate({ list }, 'list.10'))).toEqual({ list: [...Array(10).fill(null), new Date(date)] });
  });

  it('are at most 200 characters long', () => {
    const key = (length: number) => 'k'.repeat(length);
    expect(() => checkEnvelope(annotate({ [key(200)]: date }, key(200)))).not.toThrow();
    expect(refusal(annotate({ [key(201)]: date }, key(201)))).toBe(
      'a meta path is longer than 200 characters',
    );
  });

  it.each(['__proto__', 'constructor', 'prototype', 'a.__proto__'])(
    'never go through %s, even a key json holds',
    (path) => {
      // Computed keys and JSON.parse make own properties named __proto__, as a parsed body holds.
      const json = { [path.split('.')[0] as string]: JSON.parse(`{"__proto__":"${date}"}`) };
      expect(refusal(annotate(json, path))).toBe(`meta path "${path}" is not allowed`);
    },
  );

  it.each([
    ['a key json does not hold', { b: date }, 'a'],
    ['a key inside a string', { a: date }, 'a.length'],
    ['a key inside null', { a: null }, 'a.b'],
    ['an array’s length', { a: [date] }, 'a.length'],
    ['an index past the end', { a: [date] }, 'a.1'],
    ['an inherited key', { a: {} }, 'a.toString'],
  ])('lead to a value in json, not to %s', (_, json, path) => {
    expect(refusal(annotate(json, path))).toBe(`meta names "${path}", which is not in json`);
  });
});

describe('meta.referentialEqualities', () => {
  const twoDates = { a: date, b: date };
  const dates = { a: ['Date'], b: ['Date'] };

  it('links Dates: the procedure receives one Date object at both paths', () => {
    const input = read({ json: twoDates, meta: { values: dates, referentialEqualities: { a: ['b'] } } }) as {
      a: Date;
      b: Date;
    };
    expect(input.a).toEqual(new Date(date));
    expect(input.b).toBe(input.a);
  });

  it.each([null, 'x', []])('must be an object, not %j', (references) => {
    expect(refusal({ json: twoDates, meta: { values: dates, referentialEqualities: references } })).toBe(
      'meta.referentialEqualities must be an object',
    );
  });

  it('maps a path to a list of paths', () => {
    expect(refusal({ json: twoDates, meta: { values: dates, referentialEqualities: { a: 'b' } } })).toBe(
      'meta.referentialEqualities must map a path to a list of paths',
    );
  });

  it.each([
    ['a path not annotated', { a: date, b: {} }, { a: ['Date'] }, { a: ['b'] }],
    ['a key not annotated', { a: date, b: {} }, { a: ['Date'] }, { b: ['a'] }],
    ['a path annotated undefined', { a: date, b: null }, { a: ['Date'], b: ['undefined'] }, { a: ['b'] }],
    ['a path that is not a string', twoDates, dates, { a: [1] }],
    ['without meta.values', twoDates, undefined, { a: ['b'] }],
  ])('links only paths annotated as Dates, not %s', (_, json, values, references) => {
    expect(refusal({ json, meta: { values, referentialEqualities: references } })).toBe(
      'meta.referentialEqualities may only link paths annotated as Dates',
    );
  });

  it(`names at most ${MAX_META_ENTRIES} paths, its keys included`, () => {
    const links = (count: number) => ({ a: Array(count - 1).fill('b') });
    expect(() =>
      checkEnvelope({
        json: twoDates,
        meta: { values: dates, referentialEqualities: links(MAX_META_ENTRIES) },
      }),
    ).not.toThrow();
    expect(
      refusal({
        json: twoDates,
        meta: { values: dates, referentialEqualities: links(MAX_META_ENTRIES + 1) },
      }),
    ).toBe(`meta.referentialEqualities names more than ${MAX_META_ENTRIES} paths`);
  });
});

describe('outputs and what the client sends', () => {
  it('reads inputs as superjson writes them', () => {
    const input = { releasedOn: new Date(date), nameContains: undefined };
    expect(read(checkedSuperjson.input.serialize(input))).toStrictEqual(input);
  });

  it('reads outputs as superjson reads them', () => {
    const output = { releasedOn: new Date(date), missing: undefined };
    expect(checkedSuperjson.output.deserialize(superjson.serialize(output))).toStrictEqual(output);
  });
});
