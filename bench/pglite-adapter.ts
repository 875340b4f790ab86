/**
 * Two ways to put Prisma on PGlite, measured through the router:
 * - in-process: `pglite-prisma-adapter` calls PGlite directly (what src/db uses);
 * - socket: PGlite served over TCP by `@electric-sql/pglite-socket` to `@prisma/adapter-pg`, the
 *   way `prisma dev` does it. One connection only: PGlite has a single session, and queries of
 *   two pooled connections would interleave inside each other's transactions.
 */
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { PrismaPg } from '@prisma/adapter-pg';
import { DEFAULT_DATABASE_OPTIONS, PrismaClient } from '../src/db/index.js';
import { createPGlite, databaseFromPGlite } from '../src/db/pglite.js';
import { createCaller } from '../src/router.js';
import { FIXTURE_SONGS, songInput, TEST_WRITER } from '../tests/support/factories.js';
import { median, ms, printTable, sample } from './stats.js';

const RUNS = 300;

async function measure(label: string, prisma: PrismaClient) {
  const caller = createCaller({ prisma, auth: TEST_WRITER });
  for (const song of FIXTURE_SONGS) await caller.song.create(song);
  const { items } = await caller.song.list({ limit: 1 });
  const id = items[0]?.id as string;
  const byId = await sample(RUNS, () => caller.song.byId({ id }));
  const list = await sample(RUNS, () => caller.song.list({ limit: 50, orderBy: ['-streams'] }));
  const create = await sample(RUNS, () => caller.song.create(songInput()));
  const started = performance.now();
  await Promise.all(Array.from({ length: 200 }, () => caller.song.list({ limit: 20 })));
  const concurrent = performance.now() - started;
  return {
    adapter: label,
    'song.byId': ms(median(byId)),
    'song.list (50, with total)': ms(median(list)),
    'song.create': ms(median(create)),
    '200 concurrent song.list': ms(concurrent),
  };
}

const rows = [];
{
  const db = databaseFromPGlite(await createPGlite(null), DEFAULT_DATABASE_OPTIONS);
  await db.migrate();
  rows.push(await measure('pglite-prisma-adapter (in-process)', db.prisma));
  await db.close();
}
{
  const pglite = await createPGlite(null);
  await databaseFromPGlite(pglite, DEFAULT_DATABASE_OPTIONS).migrate();
  const server = new PGLiteSocketServer({ db: pglite, port: 0, maxConnections: 1 });
  await server.start();
  const prisma = new PrismaClient({
    adapter: new PrismaPg({
      connectionString: `postgresql://postgres@${server.getServerConn()}/postgres`,
      max: 1,
    }),
  });
  rows.push(await measure('pglite-socket + @prisma/adapter-pg', prisma));
  await prisma.$disconnect();
  await server.stop();
  await pglite.close();
}
printTable(`PGlite behind Prisma, median of ${RUNS}`, rows);
