/**
 * The one REST read that no tRPC procedure can serve: a song list filtered by caller-written ILIKE
 * patterns (fastapi-filter's `__ilike`), which the tRPC filter deliberately does not offer.
 *
 * It is a tRPC procedure all the same, called through `createCaller(context)` like the others,
 * so it runs behind the same base procedure (access rules, rate limits, database error mapping)
 * and the same input validation, and builds its query with the same builders as `song.list`
 * (src/songs/query.ts). It is not mounted on /trpc.
 */
import { parseOrderBy, readOffsetPage, songIlikeWhere, songWhere } from '../songs/query.js';
import { songListInput, songListOutput } from '../songs/schemas.js';
// Keep this the base procedure of `song.list` (src/songs/router.ts), so both reads obey one rule.
import { createCallerFactory, readProcedure, router } from '../trpc.js';
import { ilikePattern } from './schemas.js';

export const restSongListInput = songListInput
  .unwrap()
  .extend({
    nameIlike: ilikePattern('nameIlike').optional(),
    artistIlike: ilikePattern('artistIlike').optional(),
  })
  .prefault({});

const restRouter = router({
  songList: readProcedure
    .input(restSongListInput)
    .output(songListOutput)
    .query(async ({ ctx, input }) => {
      const { orderBy, limit, offset, nameIlike, artistIlike, ...filter } = input;
      const where = [...songWhere(filter), ...songIlikeWhere({ nameIlike, artistIlike })];
      return readOffsetPage(ctx.prisma, { where, terms: parseOrderBy(orderBy), limit, offset });
    }),
});

export const createRestCaller = createCallerFactory(restRouter);
