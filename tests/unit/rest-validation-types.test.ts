/**
 * The `type` of each entry of a REST 422 (src/rest/errors.ts), as pydantic names the problem, for
 * the kinds of zod issue the /v1 schemas do not produce today (tests/rest/songs.test.ts shows the
 * ones they do): a schema change must not turn them into wrong names.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validationError } from '../../src/rest/errors.js';

/** The types of the 422 for `input`; `given` is what validationError is told was parsed. */
function typesOf(schema: z.ZodType, input: unknown, given: { input?: unknown } = { input }): string[] {
  const result = schema.safeParse(input);
  if (result.success) throw new Error('expected the input to be refused');
  const { body } = validationError(result.error, (path) => ['body', ...(path as string[])], given.input);
  return (body.detail as { type: string }[]).map((entry) => entry.type);
}

describe('the type of a problem', () => {
  it.each<[string, z.ZodType, unknown, string]>([
    ['a number not above its exclusive minimum', z.object({ n: z.number().gt(0) }), { n: 0 }, 'greater_than'],
    ['a number not below its exclusive maximum', z.object({ n: z.number().lt(5) }), { n: 5 }, 'less_than'],
    ['a value other than the one allowed', z.object({ s: z.literal('a') }), { s: 'b' }, 'literal_error'],
    ['a key the object does not take', z.strictObject({}), { extra: 1 }, 'extra_forbidden'],
    [
      'a custom problem without a type of its own',
      z.object({ s: z.string().refine(() => false) }),
      { s: 'x' },
      'value_error',
    ],
    [
      'a problem zod reports with another code',
      z.object({ u: z.union([z.string(), z.number()]) }),
      { u: true },
      'value_error',
    ],
  ])('%s is %s', (_, schema, input, type) => {
    expect(typesOf(schema, input)).toEqual([type]);
  });

  it('is "missing" only for a field that is absent, not one of the wrong type, nested or not', () => {
    const schema = z.object({ a: z.string(), b: z.string(), c: z.object({ d: z.string() }).nullable() });
    expect(typesOf(schema, { b: 1, c: { d: 2 } })).toEqual(['missing', 'string_type', 'string_type']);
  });

  it('cannot tell a missing field when it is not given what was parsed', () => {
    expect(typesOf(z.object({ a: z.string() }), {}, {})).toEqual(['string_type']);
  });
});
