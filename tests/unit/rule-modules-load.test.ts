/**
 * The schema modules build their zod schemas when they are imported, so a fault there breaks the
 * import itself. Imported inside a test (not at the top of the file), such a fault fails this test
 * instead of leaving the file with no test run: Stryker's vitest runner counts a file that fails to
 * load as "no test failed", which would let a mutant that breaks the module survive
 * (docs/mutation.md).
 */
import { describe, expect, it } from 'vitest';

describe('the schema modules load', () => {
  it('src/songs/schemas.ts', async () => {
    const schemas = await import('../../src/songs/schemas.js');
    expect(schemas.songCreateSchema.safeParse({}).success).toBe(false);
  });

  it('src/rest/schemas.ts', async () => {
    const schemas = await import('../../src/rest/schemas.js');
    expect(schemas.restSongListQuery.safeParse({}).success).toBe(true);
  });

  it('src/rest/procedures.ts', async () => {
    const procedures = await import('../../src/rest/procedures.js');
    expect(procedures.restSongListInput.safeParse(undefined).success).toBe(true);
  });
});
