/**
 * The server's public surface, for code that embeds Songs API or calls its procedures directly:
 *
 *   const config = loadConfig(); // the environment and .env, validated
 *   const db = await openDatabase(config.DATABASE_URL, databaseOptions(config));
 *   await db.migrate();
 *   const caller = createCaller({ prisma: db.prisma, auth: null });
 *   const { items } = await caller.song.list({ limit: 10 });
 *
 * Frontends use the client package (client/) instead: it carries the types without the server.
 */
export { createApp } from './app.js';
export { type Config, loadConfig } from './config.js';
export { type Database, databaseOptions, openDatabase } from './db/index.js';
export { type AppRouter, appRouter, createCaller } from './router.js';
export { type RunningServer, serve, startServer } from './server.js';
export type { Song, SongCreate, SongInfiniteInput, SongListInput, SongPatch } from './songs/schemas.js';
export type { Auth, Context } from './trpc.js';
