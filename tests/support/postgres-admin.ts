/** Statements against the PostgreSQL server itself (CREATE/DROP DATABASE), outside any pool. */
import pg from 'pg';

/** `serverUrl` with its database name replaced by `database`. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function adminQuery<Row extends pg.QueryResultRow = pg.QueryResultRow>(
  serverUrl: string,
  sql: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const [rows = []] = await adminStatements<Row>(serverUrl, [sql], params);
  return rows;
}

/**
 * Runs statements one after another on one connection (a connection costs several ms, and
 * CREATE/DROP DATABASE cannot share one multi-statement query: they refuse transaction blocks).
 */
export async function adminStatements<Row extends pg.QueryResultRow = pg.QueryResultRow>(
  serverUrl: string,
  statements: readonly string[],
  params: unknown[] = [],
): Promise<Row[][]> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const results: Row[][] = [];
    for (const sql of statements) {
      results.push((await client.query<Row>(sql, params.length > 0 ? params : undefined)).rows);
    }
    return results;
  } finally {
    await client.end();
  }
}
