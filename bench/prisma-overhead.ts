/**
 * What Prisma adds to the two hottest reads, in the server process's own CPU and in wall time per
 * call (one call at a time, PostgreSQL, 10,000 songs): the queries as src/songs/router.ts makes
 * them, other ways Prisma can make them, and the raw server's single statement through `pg`.
 *
 *   node --import tsx bench/prisma-overhead.ts [calls, default 300]
 */
import { randomBytes } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../src/generated/prisma/client.js';
import { songSelect } from '../src/songs/query.js';
import { adminQuery, databaseUrl } from '../tests/support/postgres-admin.js';
import { compileStack, startCompiledStack } from './compiled-stack.js';
import { median, POSTGRES_URL, printTable } from './stats.js';

const CALLS = Number(process.argv[2] ?? 300);
const SONGS = 10_000;

const COLUMNS = `id, name, artist, streams, released_on AS "releasedOn", created_at AS "createdAt",
  updated_at AS "updatedAt"`;
const LIST_SQL = `SELECT total.count AS total, coalesce(page.items, '[]') AS items
  FROM (SELECT count(*)::int AS count FROM songs) AS total,
  LATERAL (SELECT json_agg(p) AS items FROM (
    SELECT ${COLUMNS} FROM songs ORDER BY created_at, id LIMIT 50 OFFSET 0) AS p) AS page`;

/** Median wall ms and mean CPU µs (user + system, this process) per call. */
async function perCall(call: () => Promise<unknown>) {
  const walls: number[] = [];
  const cpuBefore = process.cpuUsage();
  for (let index = 0; index < CALLS; index += 1) {
    const started = performance.now();
    await call();
    walls.push(performance.now() - started);
  }
  const cpu = process.cpuUsage(cpuBefore);
  return { wall: median(walls), cpuUs: (cpu.user + cpu.system) / CALLS };
}

const database = `songs_bench_prisma_${randomBytes(4).toString('hex')}`;
const url = databaseUrl(POSTGRES_URL, database);
await adminQuery(POSTGRES_URL, `CREATE DATABASE "${database}"`);
const pool = new pg.Pool({ connectionString: url, max: 10 });
const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url }) });
try {
  // The stack's own start-up applies the migrations.
  await compileStack();
  await (await startCompiledStack({ ...process.env, DATABASE_URL: url, PORT: '0' })).stop();
  await adminQuery(
    url,
    `INSERT INTO songs (id, name, artist, streams, released_on, created_at, updated_at)
     SELECT gen_random_uuid(), 'Song number ' || i, 'Artist ' || (i % 997), (i % 9973) / 1000.0,
            DATE '1960-01-01' + (i % 23000), TIMESTAMPTZ '2026-01-01' + i * INTERVAL '1 second', now()
     FROM generate_series(1, ${SONGS}) AS i; ANALYZE songs;`,
  );
  const ids = (await pool.query<{ id: string }>('SELECT id FROM songs')).rows.map((row) => row.id);
  const anyId = () => ids[Math.floor(Math.random() * ids.length)] as string;
  const page = {
    orderBy: [{ createdAt: 'asc' as const }, { id: 'asc' as const }],
    take: 50,
    skip: 0,
    select: songSelect,
  };

  const cases: Record<string, () => Promise<unknown>> = {
    'byId: prisma.song.findUnique (today)': () =>
      prisma.song.findUnique({ where: { id: anyId() }, select: songSelect }),
    'byId: pg, one statement (raw server)': () =>
      pool.query(`SELECT ${COLUMNS} FROM songs WHERE id = $1`, [anyId()]),
    'list: $transaction([findMany, count]), RepeatableRead (today)': () =>
      prisma.$transaction([prisma.song.findMany(page), prisma.song.count()], {
        isolationLevel: 'RepeatableRead',
      }),
    'list: findMany + count, no transaction': () =>
      Promise.all([prisma.song.findMany(page), prisma.song.count()]),
    'list: prisma.$queryRawUnsafe, one statement': () => prisma.$queryRawUnsafe(LIST_SQL),
    'list: pg, one statement (raw server)': () => pool.query(LIST_SQL),
    'infinite: prisma.song.findMany take 51 (today)': () => prisma.song.findMany({ ...page, take: 51 }),
  };
  // Every case warmed up before any is measured: Prisma's first calls compile and cache plans.
  for (const call of Object.values(cases)) for (let warm = 0; warm < 50; warm += 1) await call();
  const rows = [];
  for (const [name, call] of Object.entries(cases)) {
    const { wall, cpuUs } = await perCall(call);
    rows.push({ call: name, 'median wall ms': wall.toFixed(2), 'CPU µs/call': cpuUs.toFixed(0) });
  }
  printTable(`${new Date().toISOString()}: ${CALLS} calls each, one at a time, ${SONGS} songs`, rows);
} finally {
  await prisma.$disconnect();
  await pool.end();
  await adminQuery(POSTGRES_URL, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
}
