/**
 * The schema modules build their zod schemas when they are imported, so a fault there breaks the
 * import itself. Stryker's vitest runner counts a test file that fails to load as "no test failed",
 * which would let a mutant that breaks such a module survive (docs/mutation.md). So this file
 * imports them as it loads but keeps the failure, and its tests report it.
 *
 * Not inside a test or a hook: Stryker ties the code run there to this file's tests, so a mutant in
 * a schema built at load was tried against these three tests alone (two survived that way, though
 * the OpenAPI document test and the query-number tests fail on them). Run while the file loads,
 * that code counts as static, and its mutants are tried against every test.
 */
import { describe, expect, it } from 'vitest';

const [songSchemas, restSchemas, restProcedures] = await Promise.allSettled([
  import('../../src/songs/schemas.js'),
  import('../../src/rest/schemas.js'),
  import('../../src/rest/procedures.js'),
]);

function loaded<T>(module: PromiseSettledResult<T>): T {
  if (module.status === 'rejected') throw module.reason;
  return module.value;
}

describe('the schema modules load', () => {
  it('src/songs/schemas.ts', () => {
    expect(loaded(songSchemas).songCreateSchema.safeParse({}).success).toBe(false);
  });

  it('src/rest/schemas.ts', () => {
    expect(loaded(restSchemas).restSongListQuery.safeParse({}).success).toBe(true);
  });

  it('src/rest/procedures.ts', () => {
    expect(loaded(restProcedures).restSongListInput.safeParse(undefined).success).toBe(true);
  });
});
