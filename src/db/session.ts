/**
 * One database connection below Prisma, the same for PostgreSQL and PGlite: the migrator and the
 * import writer use it for what Prisma cannot express (advisory locks held by one session, scripts
 * of several statements, COPY). Opened with `Database.openSession()`.
 */
interface QueryResult<Row> {
  rows: Row[];
  /** Rows the statement inserted, updated or deleted. */
  rowCount: number;
}

export interface Session {
  /** Runs one (parameterised) statement. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<QueryResult<Row>>;
  /** Runs a script of several statements (a migration.sql file); returns the rows of the last. */
  exec<Row = Record<string, unknown>>(sql: string): Promise<Row[]>;
  /** `COPY table (columns) FROM` COPY text `data` (tab-separated columns, one line per row). */
  copyIn(table: string, columns: string, data: Uint8Array): Promise<void>;
  /** Ends the session: a transaction still open is rolled back and its temporary tables go. */
  close(): Promise<void>;
}
