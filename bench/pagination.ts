/**
 * song.infinite (keyset) against song.list (OFFSET) at growing depth, on a large table:
 * the contract wants a page's cost not to grow with its depth.
 *
 *   BENCH_ROWS=1000000 npm run bench:pagination     (default 1,000,000 on PostgreSQL, 100,000 on PGlite)
 */
import { randomBytes } from 'node:crypto';
import { type Database, DEFAULT_DATABASE_OPTIONS, openDatabase } from '../src/db/index.js';
import { createPGlite, databaseFromPGlite } from '../src/db/pglite.js';
import { createCaller } from '../src/router.js';
import { cursorFingerprint, encodeCursor } from '../src/songs/cursor.js';
import { parseOrderBy, type SortValue } from '../src/songs/query.js';
import type { SortKey } from '../src/songs/schemas.js';
import { TEST_WRITER } from '../tests/support/factories.js';
import { adminQuery, databaseUrl } from '../tests/support/postgres-admin.js';
import { fillSongsSql, median, ms, POSTGRES_URL, printTable, sample } from './stats.js';

const ROWS_POSTGRES = Number(process.env.BENCH_ROWS ?? 1_000_000);
const ROWS_PGLITE = Number(process.env.BENCH_ROWS ?? 100_000);
const RUNS = 15;
const ORDERS: SortKey[][] = [['releasedOn'], ['-streams', 'name'], ['createdAt']];

/** Deterministic rows generated inside the database (no client round trips). */
const fill = (rows: number) => fillSongsSql(rows, { artists: 5000, name: 'Song ', step: '1 millisecond' });

async function measure(engine: string, db: Database, rows: number) {
  const caller = createCaller({ prisma: db.prisma, auth: TEST_WRITER });
  const results: Record<string, string>[] = [];
  for (const orderBy of ORDERS) {
    const terms = parseOrderBy(orderBy);
    for (const depth of [0, Math.floor(rows / 2), rows - 100]) {
      // The cursor a client would hold at this depth: made from the row just before it.
      const [before] =
        depth === 0 ? [null] : (await caller.song.list({ orderBy, limit: 1, offset: depth - 1 })).items;
      const cursor = before
        ? encodeCursor(cursorFingerprint({}, terms), {
            values: terms.map(({ field }): SortValue => before[field]),
            id: before.id,
          })
        : null;
      const keyset = await sample(RUNS, () => caller.song.infinite({ orderBy, limit: 50, cursor }));
      const offset = await sample(RUNS, () => caller.song.list({ orderBy, limit: 50, offset: depth }));
      results.push({
        engine,
        orderBy: orderBy.join(','),
        depth: depth.toLocaleString('en'),
        'song.infinite (keyset)': ms(median(keyset)),
        'song.list (offset + total)': ms(median(offset)),
      });
    }
  }
  return results;
}

const results: Record<string, string>[] = [];

const name = `songs_bench_${randomBytes(4).toString('hex')}`;
await adminQuery(POSTGRES_URL, `CREATE DATABASE "${name}"`);
const postgres = await openDatabase(databaseUrl(POSTGRES_URL, name));
try {
  await postgres.migrate();
  await adminQuery(databaseUrl(POSTGRES_URL, name), fill(ROWS_POSTGRES));
  results.push(...(await measure('PostgreSQL', postgres, ROWS_POSTGRES)));
} finally {
  await postgres.close();
  await adminQuery(POSTGRES_URL, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

const pglite = await createPGlite(null);
const embedded = databaseFromPGlite(pglite, DEFAULT_DATABASE_OPTIONS);
try {
  await embedded.migrate();
  await pglite.exec(fill(ROWS_PGLITE));
  results.push(...(await measure('PGlite', embedded, ROWS_PGLITE)));
} finally {
  await embedded.close();
}

printTable(
  `Page of 50, median of ${RUNS} (PostgreSQL ${ROWS_POSTGRES.toLocaleString('en')} rows, PGlite ${ROWS_PGLITE.toLocaleString('en')})`,
  results,
);
