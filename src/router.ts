/** The root router: its shape is the API (`song.*` lives in songs/router.ts). */

import { songRouter } from './songs/router.js';
import { createCallerFactory, router } from './trpc.js';

export const appRouter = router({
  song: songRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in-process: `createCaller({ prisma, auth }).song.byId({ id })`. */
export const createCaller = createCallerFactory(appRouter);
