/**
 * The screen a tRPC body passes before JSON.parse (src/http/body-screen.ts): what it counts, where
 * its bounds lie, and that text inside strings does not count. tests/http/envelope.test.ts shows
 * what it saves (the CPU of the worst bodies); this file states its rules.
 */
import { describe, expect, it } from 'vitest';
import { MAX_BODY_DEPTH, MAX_BODY_VALUES, screenJson } from '../../src/http/body-screen.js';

const TOO_DEEP = `the input is nested deeper than ${MAX_BODY_DEPTH} levels`;
const TOO_MANY = `the input holds more than ${MAX_BODY_VALUES} values`;
const nested = (depth: number, open = '[', close = ']') => open.repeat(depth) + close.repeat(depth);

describe('nesting', () => {
  it.each([
    ['arrays', '[', ']'],
    ['objects', '{"a":', '}'],
  ])(`takes ${MAX_BODY_DEPTH} levels of %s and refuses one more`, (_, open, close) => {
    expect(screenJson(nested(MAX_BODY_DEPTH, open, close))).toBeNull();
    expect(screenJson(nested(MAX_BODY_DEPTH + 1, open, close))).toBe(TOO_DEEP);
  });

  it('counts the depth, not the brackets: closed ones give their level back', () => {
    expect(screenJson(nested(MAX_BODY_DEPTH).repeat(50))).toBeNull();
    expect(screenJson(`{"a":${nested(MAX_BODY_DEPTH - 1)},"b":${nested(MAX_BODY_DEPTH - 1)}}`)).toBeNull();
  });
});

describe('values', () => {
  it.each([
    ['commas', ','],
    ['colons', ':'],
    ['containers', '[]'],
  ])(`takes ${MAX_BODY_VALUES} counted by %s and refuses one more`, (_, unit) => {
    expect(screenJson(unit.repeat(MAX_BODY_VALUES))).toBeNull();
    expect(screenJson(unit.repeat(MAX_BODY_VALUES + 1))).toBe(TOO_MANY);
  });

  it('counts an opening bracket as a value', () => {
    expect(screenJson(`${','.repeat(MAX_BODY_VALUES - 1)}[`)).toBeNull();
    expect(screenJson(`${','.repeat(MAX_BODY_VALUES)}[`)).toBe(TOO_MANY);
  });

  it('counts other characters not at all', () => {
    expect(screenJson(`[${'1 '.repeat(MAX_BODY_VALUES * 2)}]`)).toBeNull();
  });
});

describe('strings', () => {
  it('hide the brackets, commas and colons inside them', () => {
    expect(screenJson(`["${nested(MAX_BODY_DEPTH + 1)}${',:'.repeat(MAX_BODY_VALUES)}"]`)).toBeNull();
  });

  it('end at the first quote no backslash escapes', () => {
    expect(screenJson(`"a\\"${nested(MAX_BODY_DEPTH + 1)}"`)).toBeNull();
    expect(screenJson(`"a\\\\"${nested(MAX_BODY_DEPTH + 1)}`)).toBe(TOO_DEEP);
    expect(screenJson(`"a"${nested(MAX_BODY_DEPTH + 1)}`)).toBe(TOO_DEEP);
  });

  it('start only at a quote: the text before one counts', () => {
    expect(screenJson(`${nested(MAX_BODY_DEPTH + 1)}"`)).toBe(TOO_DEEP);
  });
});
