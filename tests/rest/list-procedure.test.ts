/**
 * The REST list's procedure (src/rest/procedures.ts) called directly, as server code may call it:
 * its ILIKE filters obey their rules under the procedure's own field names. Over HTTP the query
 * string is checked first, under the REST names (tests/rest/list.test.ts).
 */

import { describe, expect, it } from 'vitest';
import type { ZodError } from 'zod';
import { createRestCaller } from '../../src/rest/procedures.js';
import { expectTRPCError } from '../support/errors.js';
import { TEST_WRITER } from '../support/factories.js';
import { useTestDatabase } from '../support/test-database.js';

const db = useTestDatabase({ fixture: true });
const songList = (input: Parameters<ReturnType<typeof createRestCaller>['songList']>[0]) =>
  createRestCaller({ prisma: db.prisma, auth: TEST_WRITER }).songList(input);

describe('the REST list procedure', () => {
  it.each([
    ['nameIlike', 'nameIlike must not end with the escape character "\\"'],
    ['artistIlike', 'artistIlike must not end with the escape character "\\"'],
  ])('refuses a %s pattern ending in a lone escape, naming the field', async (field, message) => {
    const error = await expectTRPCError(songList({ [field]: 'a\\' }), 'BAD_REQUEST', field);
    expect((error.cause as ZodError).issues.map((issue) => issue.message)).toEqual([message]);
  });
});
