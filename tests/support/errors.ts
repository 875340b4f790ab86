/**
 * Assertions on the errors a procedure called through `createCaller` rejects with.
 *
 * createCaller does not run the errorFormatter (trpc/trpc#4120), so a validation failure is not
 * flattened into `data.zodError` here: its ZodError is the TRPCError's `cause`. The helpers read
 * that cause the way the formatter does, so "names the field" means what a client would see.
 */
import { TRPCError } from '@trpc/server';
import { expect } from 'vitest';
import { ZodError, z } from 'zod';

export type TRPCErrorCode = TRPCError['code'];

/** The paths an issue is about: an unknown key names the key itself, not the object holding it. */
function issuePaths(issue: z.core.$ZodIssue): string[] {
  const at = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => [...at, key].join('.'));
  return [at.join('.')];
}

/** Awaits `promise`, which must reject, and returns what it rejected with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected the call to fail, but it returned ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

/**
 * Expects `promise` to reject with a TRPCError of `code`. With `field` (a dotted path such as
 * `"releasedOn"` or `"data.name"`), also expects a validation error about that field and no
 * other: every zod issue concerns `field` (or something inside it), so a test of one rule cannot
 * pass because of another.
 */
export async function expectTRPCError(
  promise: Promise<unknown>,
  code: TRPCErrorCode,
  field?: string,
): Promise<TRPCError> {
  const error = await rejection(promise);
  expect(error).toBeInstanceOf(TRPCError);
  const trpcError = error as TRPCError;
  expect(trpcError.code).toBe(code);
  if (field !== undefined) {
    expect(trpcError.cause, 'a validation error carries its ZodError as cause').toBeInstanceOf(ZodError);
    const zodError = trpcError.cause as ZodError;
    const paths = zodError.issues.flatMap(issuePaths);
    expect(paths.length).toBeGreaterThan(0);
    for (const path of paths) {
      expect(
        path === field || path.startsWith(`${field}.`),
        `issue at "${path}" is not about "${field}"`,
      ).toBe(true);
    }
    // What a client reads in data.zodError: the top-level field has messages, unless the field is
    // an unknown top-level key (zod reports those at the object, so they land in formErrors).
    const flattened = z.flattenError(zodError);
    const unknownTopLevelKey = zodError.issues.some(
      (issue) => issue.code === 'unrecognized_keys' && issue.path.length === 0 && issue.keys.includes(field),
    );
    if (unknownTopLevelKey) {
      expect(flattened.formErrors.join('\n')).toContain(field);
    } else {
      const top = field.split('.')[0] as string;
      const messages = (flattened.fieldErrors as Record<string, string[] | undefined>)[top];
      expect(messages).toEqual(expect.arrayContaining([expect.any(String)]));
    }
  }
  return trpcError;
}
