/**
 * The incremental write path: a batch is COPYed into a temporary staging table, then moved into
 * `songs` by one INSERT … SELECT … ON CONFLICT. Counts follow "as if the rows were written one by
 * one, in file order": a row whose (name, artist) already exists, in the table or earlier in the
 * file, is skipped, updated (only if its values differ; otherwise skipped as unchanged) or a conflict.
 */
import type { ValidSongRow } from './song-csv-reader.js';

export const STAGING = 'song_import_staging';
export const STAGING_COLUMNS = 'line, id, name, artist, streams, released_on';
/** The update policy's staging columns: also the first values of a key folded within a batch. */
export const FOLDED_COLUMNS = `${STAGING_COLUMNS}, first_streams, first_released_on`;

// `first_*`: the update policy folds repeats of a key within a batch into one row (ON CONFLICT DO
// UPDATE may touch a row once per statement) and keeps the first values to count that row's outcome.
export const CREATE_STAGING = `
  CREATE TEMP TABLE IF NOT EXISTS ${STAGING} (
    line integer NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL,
    artist text NOT NULL,
    streams float8 NOT NULL,
    released_on date NOT NULL,
    first_streams float8,
    first_released_on date
  )`;

export const EMPTY_STAGING = `TRUNCATE ${STAGING}`;

// In (name, artist) order, so the unique index is walked in order rather than at random; `line`
// last, so that of two rows with one key the first in the file is the one inserted.
const INSERT_FROM_STAGING = `
  INSERT INTO songs (id, name, artist, streams, released_on, created_at, updated_at)
  SELECT id, name, artist, streams, released_on, now(), now()
  FROM ${STAGING} ORDER BY name, artist, line`;

export const INSERT_OR_SKIP = `${INSERT_FROM_STAGING} ON CONFLICT (name, artist) DO NOTHING`;

// All parts of one statement see the same snapshot, so `before` sees the table as it was before
// `written` changed it: exact counts in one round trip. Unchanged rows are not rewritten.
export const INSERT_OR_UPDATE = `
  WITH before AS (
    SELECT s.id IS NOT NULL AS existed,
           s.streams = i.first_streams AND s.released_on = i.first_released_on AS first_unchanged
    FROM ${STAGING} i LEFT JOIN songs s ON s.name = i.name AND s.artist = i.artist
  ), written AS (
    ${INSERT_FROM_STAGING}
    ON CONFLICT (name, artist) DO UPDATE
      SET streams = EXCLUDED.streams, released_on = EXCLUDED.released_on, updated_at = EXCLUDED.updated_at
      WHERE (songs.streams, songs.released_on) IS DISTINCT FROM (EXCLUDED.streams, EXCLUDED.released_on)
    RETURNING 1
  )
  SELECT count(*) FILTER (WHERE NOT existed)::int AS imported,
         count(*) FILTER (WHERE existed AND NOT first_unchanged)::int AS updated,
         count(*) FILTER (WHERE existed AND first_unchanged)::int AS unchanged
  FROM before`;

/** The first staged row whose key is already in the table or earlier in the batch. */
export const FIRST_CONFLICT = `
  SELECT line, name, artist FROM (
    SELECT line, name, artist, row_number() OVER (PARTITION BY name, artist ORDER BY line) AS nth
    FROM ${STAGING}
  ) numbered
  WHERE nth > 1 OR EXISTS (SELECT 1 FROM songs s WHERE s.name = numbered.name AND s.artist = numbered.artist)
  ORDER BY line LIMIT 1`;

interface FoldedRow extends ValidSongRow {
  firstStreams: number;
  firstReleasedOn: string;
}

/**
 * For the update policy: repeats of a key within the batch become one row carrying the first and
 * the last values; each repeat is counted here against the value before it.
 */
export function foldRepeats(rows: readonly ValidSongRow[]): {
  folded: FoldedRow[];
  updated: number;
  skipped: number;
} {
  const byKey = new Map<string, FoldedRow>();
  let updated = 0;
  let skipped = 0;
  for (const row of rows) {
    const key = `${row.name}\0${row.artist}`; // NUL never occurs in a valid row
    const seen = byKey.get(key);
    if (seen === undefined) {
      byKey.set(key, { ...row, firstStreams: row.streams, firstReleasedOn: row.releasedOn });
    } else if (seen.streams === row.streams && seen.releasedOn === row.releasedOn) {
      skipped += 1;
    } else {
      updated += 1;
      seen.streams = row.streams;
      seen.releasedOn = row.releasedOn;
    }
  }
  return { folded: [...byKey.values()], updated, skipped };
}
