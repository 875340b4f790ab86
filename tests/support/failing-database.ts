/**
 * song.byId called in-process on a database that always fails: for the tests of how errors.ts
 * classifies a driver's error (what the client gets, and whether the read ran once more).
 */
import { TRPCError } from '@trpc/server';
import { expect } from 'vitest';
import { mockDeep } from 'vitest-mock-extended';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { createCaller } from '../../src/router.js';

const SONG_ID = '6f1c2b1e-4a5d-4e8f-9a0b-1c2d3e4f5a6b';

/** The TRPCError song.byId fails with when every query throws `error`, and how many queries it ran. */
export async function byIdFailure(error: unknown): Promise<{ failure: TRPCError; tries: number }> {
  const prisma = mockDeep<PrismaClient>();
  prisma.$queryRaw.mockRejectedValue(error);
  const failure = await createCaller({ prisma, auth: null })
    .song.byId({ id: SONG_ID })
    .then(
      () => {
        throw new Error('expected the call to fail');
      },
      (thrown: unknown) => thrown,
    );
  expect(failure).toBeInstanceOf(TRPCError);
  return { failure: failure as TRPCError, tries: prisma.$queryRaw.mock.calls.length };
}

/** The code a client gets when every query throws `error`, and how many tries the read made. */
export async function byIdFailingWith(error: unknown): Promise<{ code: string; tries: number }> {
  const { failure, tries } = await byIdFailure(error);
  return { code: failure.code, tries };
}
