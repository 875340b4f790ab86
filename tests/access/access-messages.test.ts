/**
 * The text of each access refusal, word for word (CONTRACT.md "Access"; a client shows it): no
 * credential, and a credential without the scope a read (under READ_ACCESS=token) or a write needs.
 */
import { describe, expect, it } from 'vitest';
import { createCaller } from '../../src/router.js';
import type { Auth } from '../../src/trpc.js';
import { expectTRPCError, type TRPCErrorCode } from '../support/errors.js';
import { songInput } from '../support/factories.js';
import { useTestDatabase } from '../support/test-database.js';

const MISSING = 'A credential is required: send Authorization: Bearer <API key or JWT>';
const NO_SCOPES: Auth = { subject: 'nobody', scopes: [], via: 'jwt' };

describe('the message of an access refusal', () => {
  const db = useTestDatabase();
  const caller = (auth: Auth | null) => createCaller({ prisma: db.prisma, auth, readAccess: 'token' });

  it.each<[string, () => Promise<unknown>, TRPCErrorCode, string]>([
    ['an anonymous read under READ_ACCESS=token', () => caller(null).song.list({}), 'UNAUTHORIZED', MISSING],
    [
      'a read without songs:read or songs:write',
      () => caller(NO_SCOPES).song.list({}),
      'FORBIDDEN',
      'This credential lacks the songs:read scope',
    ],
    ['an anonymous write', () => caller(null).song.create(songInput()), 'UNAUTHORIZED', MISSING],
    [
      'a write without songs:write',
      () => caller({ ...NO_SCOPES, scopes: ['songs:read'] }).song.create(songInput()),
      'FORBIDDEN',
      'This credential lacks the songs:write scope',
    ],
  ])('%s', async (_, call, code, message) => {
    const error = await expectTRPCError(call(), code);
    expect(error.message).toBe(message);
  });
});
