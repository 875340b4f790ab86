/**
 * The one place where database errors become tRPC errors. Every procedure runs behind it (see
 * `publicProcedure` in trpc.ts), so a router never catches Prisma errors itself.
 */
import { TRPCError } from '@trpc/server';
import { Prisma } from './generated/prisma/client.js';

/** What a client sees instead of an unexpected error's own text when NODE_ENV=production. */
export const GENERIC_INTERNAL_MESSAGE = 'Internal server error';

/**
 * Known Prisma errors become the contract's codes; anything else is left to tRPC, which reports
 * it as INTERNAL_SERVER_ERROR (and the error formatter masks its text in production).
 */
export function toTRPCError(error: unknown): TRPCError | null {
  if (error instanceof TRPCError) return error;
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return null;
  switch (error.code) {
    // Unique constraint. The only one on songs is (name, artist). With driver adapters Prisma 7
    // no longer puts the fields in `meta.target` (prisma/orm#28953), so do not rely on it.
    case 'P2002':
      return new TRPCError({
        code: 'CONFLICT',
        message: 'A song with this name and artist already exists',
        cause: error,
      });
    // The record an update or delete needed does not exist.
    case 'P2025':
      return new TRPCError({ code: 'NOT_FOUND', message: 'Song not found', cause: error });
    default:
      return null;
  }
}
