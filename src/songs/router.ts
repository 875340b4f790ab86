/** song.*: create, read, update, delete and the two listings of the contract. */
import { TRPCError } from '@trpc/server';
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import { badInput, readProcedure, router, writeProcedure } from '../trpc.js';
import { CursorError, cursorFingerprint, decodeCursor, encodeCursor } from './cursor.js';
import {
  parseOrderBy,
  readKeysetPage,
  readOffsetPage,
  readSong,
  type SortValue,
  songSelect,
  songWhere,
} from './query.js';
import {
  songByIdInput,
  songCreateSchema,
  songDeleteInput,
  songInfiniteInput,
  songInfiniteOutput,
  songListInput,
  songListOutput,
  songSchema,
  songUpdateInput,
} from './schemas.js';

/**
 * Which row a write targets: `{ id }`, plus `updatedAt` when the caller sent `ifUpdatedAt`. Prisma
 * turns that into one statement (`UPDATE … WHERE id = $1 AND updated_at = $2 RETURNING …`, or
 * DELETE), so of two writers holding the same `updatedAt` exactly one matches the row.
 */
function versionOf({ id, ifUpdatedAt }: { id: string; ifUpdatedAt?: Date | undefined }) {
  // Stryker disable next-line ConditionalExpression: equivalent, `{ id, updatedAt: undefined }` is `{ id }` to Prisma (undefined is no condition)
  return ifUpdatedAt === undefined ? { id } : { id, updatedAt: ifUpdatedAt };
}

/**
 * Runs a write aimed at `versionOf(target)`; when it matched no row, says why. Ids never come back
 * and `updated_at` only moves forward (a trigger advances it on every UPDATE), so a song that exists
 * after the failed write existed during it, with another `updatedAt`: PRECONDITION_FAILED. A song
 * that is gone is NOT_FOUND (the P2025 is rethrown for errors.ts to map), as any retry would be.
 */
async function unlessChanged<T>(
  prisma: PrismaClient,
  target: { id: string; ifUpdatedAt?: Date | undefined },
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const matchedNoRow = error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025';
    if (!matchedNoRow || target.ifUpdatedAt === undefined) throw error;
    const song = await prisma.song.findUnique({ where: { id: target.id }, select: { id: true } });
    if (song === null) throw error;
    // No `cause`: the error mapping would read the P2025 in it as NOT_FOUND.
    throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'Song has changed since ifUpdatedAt' });
  }
}

export const songRouter = router({
  create: writeProcedure
    .input(songCreateSchema)
    .output(songSchema)
    .mutation(({ ctx, input }) => ctx.prisma.song.create({ data: input, select: songSelect })),

  byId: readProcedure
    .input(songByIdInput)
    .output(songSchema)
    .query(async ({ ctx, input }) => {
      const song = await readSong(ctx.prisma, input.id);
      if (!song) throw new TRPCError({ code: 'NOT_FOUND', message: 'Song not found' });
      return song;
    }),

  update: writeProcedure
    .input(songUpdateInput)
    .output(songSchema)
    .mutation(({ ctx, input }) =>
      unlessChanged(ctx.prisma, input, () =>
        ctx.prisma.song.update({ where: versionOf(input), data: input.data, select: songSelect }),
      ),
    ),

  delete: writeProcedure
    .input(songDeleteInput)
    .output(songSchema)
    .mutation(({ ctx, input }) =>
      unlessChanged(ctx.prisma, input, () =>
        ctx.prisma.song.delete({ where: versionOf(input), select: songSelect }),
      ),
    ),

  list: readProcedure
    .input(songListInput)
    .output(songListOutput)
    .query(async ({ ctx, input }) => {
      const { orderBy, limit, offset, ...filter } = input;
      return readOffsetPage(ctx.prisma, {
        where: songWhere(filter),
        terms: parseOrderBy(orderBy),
        limit,
        offset,
      });
    }),

  infinite: readProcedure
    .input(songInfiniteInput)
    .output(songInfiniteOutput)
    .query(async ({ ctx, input }) => {
      const { orderBy, limit, cursor, direction: _forward, ...filter } = input;
      const terms = parseOrderBy(orderBy);
      const fingerprint = cursorFingerprint(filter, terms);
      let position = null;
      if (cursor) {
        try {
          position = decodeCursor(cursor, fingerprint, terms);
        } catch (error) {
          // Stryker disable next-line ConditionalExpression: equivalent, decodeCursor throws nothing but CursorError
          if (error instanceof CursorError) throw badInput('cursor', error.message, cursor);
          throw error;
        }
      }
      // One row more than asked tells whether another page follows, without a count.
      const rows = await readKeysetPage(ctx.prisma, {
        where: songWhere(filter),
        terms,
        position,
        limit: limit + 1,
      });
      const items = rows.slice(0, limit);
      const last = items.at(-1);
      const nextCursor =
        rows.length > limit && last
          ? encodeCursor(fingerprint, {
              values: terms.map(({ field }): SortValue => last[field]),
              id: last.id,
            })
          : null;
      return { items, nextCursor };
    }),
});
