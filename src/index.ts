/**
 * The server's public surface, for code that embeds Songs API or calls its procedures directly:
 *
 *   const db = await openDatabase('pglite:memory');
 *   await db.migrate();
 *   const caller = createCaller({ prisma: db.prisma, auth: null });
 *   const { items } = await caller.song.list({ limit: 10 });
 *
 * Frontends use the client package (client/) instead: it carries the types without the server.
 */
export { createApp } from './app.js';
export { type Database, openDatabase } from './db/index.js';
export { type AppRouter, appRouter, createCaller } from './router.js';
export { type RunningServer, serve, startServer } from './server.js';
export type { Song, SongCreate, SongInfiniteInput, SongListInput, SongPatch } from './songs/schemas.js';
export type { Auth, Context } from './trpc.js';
