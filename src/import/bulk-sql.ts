/**
 * What both bulk loads (bulk-load.ts in place, shadow-load.ts through a shadow table) say to the
 * database: the columns they COPY, and the SQL of the index builds at their end.
 */
import type { Session } from '../db/index.js';

/** Every column of `songs`, in the order DIRECT batches are COPYed. */
export const SONG_COLUMNS = 'id, name, artist, streams, released_on, created_at, updated_at';

export const SONGS_NOT_EMPTY = `SELECT EXISTS (SELECT 1 FROM songs) AS "notEmpty"`;

/** Memory for an index build: more means fewer sort runs and GIN flushes. Server-side, not Node's. */
export const REBUILD_MEMORY = { postgres: '256MB', pglite: '64MB' } as const;

/** The key the import deduplicates on, and nothing else (no expression, no predicate). */
export const NAME_ARTIST_KEY = /USING btree \(name, artist\)$/;

export const UNIQUE_VIOLATION = '23505';

/** How many rows of `table` repeat an earlier row's (name, artist). */
export const countRepeatsSql = (table: string) =>
  `SELECT (count(*) - count(DISTINCT (name, artist)))::int AS repeats FROM ${table}`;

/** Deletes every row of `table` but the first (smallest id: ids grow in file order) of each (name, artist). */
export const deleteRepeatsSql = (table: string) => `
  DELETE FROM ${table} s USING (
    SELECT id FROM (
      SELECT id, row_number() OVER (PARTITION BY name, artist ORDER BY id) AS nth FROM ${table}
    ) numbered WHERE nth > 1
  ) repeat
  WHERE s.id = repeat.id`;

/** SQL string literal (standard_conforming_strings is on since PostgreSQL 9.1). */
export const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** Gives a rebuilt index (schema-qualified name) the comment its original had, if any. */
export async function restoreIndexComment(
  session: Session,
  index: { qualifiedName: string; comment: string | null },
): Promise<void> {
  if (index.comment !== null) {
    await session.query(`COMMENT ON INDEX ${index.qualifiedName} IS ${literal(index.comment)}`);
  }
}
