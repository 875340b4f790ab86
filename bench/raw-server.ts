/**
 * The baseline of `npm run bench:http`: the three reads of the Songs API written by hand with
 * Express 5 and a `pg` pool, and nothing else (no tRPC, superjson, Prisma or zod). Each read is one
 * SQL statement, answered as plain JSON. It shows what this machine and database can serve, so
 * that the stack's figures can be read as a ratio of it.
 *
 *   GET /songs/:id                    one song, 404 when absent
 *   GET /songs?limit=50&offset=0      { items, total, limit, offset }: page and total in one statement
 *   GET /songs/infinite?limit=50      { items, nextCursor }: keyset on (created_at, id), one row more
 *
 * Run as a child process by bench/http.ts (compiled to JavaScript first, so that it pays no
 * TypeScript loader): DATABASE_URL, PORT (0 = free port) and DB_POOL_SIZE from the environment.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';
import pg from 'pg';

// A SQL `date` as its "YYYY-MM-DD" text (as the contract returns it), not a local-midnight Date.
pg.types.setTypeParser(pg.types.builtins.DATE, (text) => text);

const SONG_COLUMNS = `id, name, artist, streams, released_on AS "releasedOn",
  created_at AS "createdAt", updated_at AS "updatedAt"`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LIMIT_MAX = 100;

const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DB_POOL_SIZE ?? 10),
});

/** A whole number in [min, max] from a query parameter, `fallback` when absent, null when invalid. */
function integerParam(value: unknown, fallback: number, min: number, max: number): number | null {
  if (value === undefined) return fallback;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  return number >= min && number <= max ? number : null;
}

const app = express();
app.disable('x-powered-by');
app.disable('etag'); // tRPC sends none either

app.get('/songs', async (req, res) => {
  const limit = integerParam(req.query.limit, 50, 1, LIMIT_MAX);
  const offset = integerParam(req.query.offset, 0, 0, Number.MAX_SAFE_INTEGER);
  if (limit === null || offset === null) return void res.status(400).json({ error: 'bad limit or offset' });
  // The total and the page in one statement (one snapshot); the page may be empty, the total not.
  const { rows } = await pool.query(
    `SELECT total.count AS total, coalesce(page.items, '[]') AS items
       FROM (SELECT count(*)::int AS count FROM songs) AS total,
            LATERAL (SELECT json_agg(p) AS items FROM (
              SELECT ${SONG_COLUMNS} FROM songs ORDER BY created_at, id LIMIT $1 OFFSET $2) AS p) AS page`,
    [limit, offset],
  );
  res.json({ items: rows[0].items, total: rows[0].total, limit, offset });
});

app.get('/songs/infinite', async (req, res) => {
  const limit = integerParam(req.query.limit, 50, 1, LIMIT_MAX);
  if (limit === null) return void res.status(400).json({ error: 'bad limit' });
  let after: [string, string] | null = null;
  if (typeof req.query.cursor === 'string') {
    try {
      after = JSON.parse(Buffer.from(req.query.cursor, 'base64url').toString());
    } catch {
      return void res.status(400).json({ error: 'bad cursor' });
    }
  }
  const { rows } = after
    ? await pool.query(
        `SELECT ${SONG_COLUMNS} FROM songs WHERE (created_at, id) > ($2, $3)
          ORDER BY created_at, id LIMIT $1`,
        [limit + 1, after[0], after[1]],
      )
    : await pool.query(`SELECT ${SONG_COLUMNS} FROM songs ORDER BY created_at, id LIMIT $1`, [limit + 1]);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? Buffer.from(JSON.stringify([last.createdAt.toISOString(), last.id])).toString('base64url')
      : null;
  res.json({ items, nextCursor });
});

app.get('/songs/:id', async (req, res) => {
  if (!UUID.test(req.params.id)) return void res.status(400).json({ error: 'id must be a UUID' });
  const { rows } = await pool.query(`SELECT ${SONG_COLUMNS} FROM songs WHERE id = $1`, [req.params.id]);
  if (rows.length === 0) return void res.status(404).json({ error: 'Song not found' });
  res.json(rows[0]);
});

const server = app.listen(Number(process.env.PORT ?? 0), () => {
  const { port } = server.address() as AddressInfo;
  console.log(`Raw Express + pg listening on http://localhost:${port}`);
});

process.on('SIGTERM', () => {
  server.close(() => void pool.end().then(() => process.exit(0)));
  server.closeAllConnections();
});
