/**
 * The one place where database errors become tRPC errors. Every procedure runs behind it (see
 * `publicProcedure` in trpc.ts), so a router never catches Prisma errors itself.
 *
 * Three kinds of failure:
 * - the request's own fault, answered with the contract's code (CONFLICT, NOT_FOUND);
 * - a *fault* of the database (unreachable, saturated, too slow, a serialization conflict): the
 *   request was fine and may succeed later, so SERVICE_UNAVAILABLE (503 with Retry-After);
 * - anything else is a bug of ours: left to tRPC as INTERNAL_SERVER_ERROR, its text masked.
 */
import { TRPCError } from '@trpc/server';
import { Prisma } from './generated/prisma/client.js';

/** What a client sees instead of an unexpected error's own text when NODE_ENV=production. */
export const GENERIC_INTERNAL_MESSAGE = 'Internal server error';
export const SERVICE_UNAVAILABLE_MESSAGE = 'The database is unavailable or busy; retry shortly';
/** Sent as `Retry-After` with every 503: a database restart or a burst usually passes this fast. */
export const RETRY_AFTER_SECONDS = 1;

/**
 * - `connection`: the connection broke or could not be made; a read can safely run again at once.
 * - `conflict`: PostgreSQL aborted a transaction to keep it serializable; running it again is safe.
 * - `busy`: no connection free in time, or too many clients; running it again would add load.
 * - `timeout`: a statement or transaction ran past its limit; running it again would too.
 */
export type DatabaseFault = 'connection' | 'conflict' | 'busy' | 'timeout';

/** Prisma's codes for faults (the driver adapter maps pg's errors onto them, see adapter-pg). */
const PRISMA_FAULTS: Record<string, DatabaseFault> = {
  P1001: 'connection', // can't reach the server (ECONNREFUSED, ENOTFOUND)
  P1002: 'timeout', // the server was reached but timed out
  P1008: 'timeout', // socket timeout (ETIMEDOUT)
  P1017: 'connection', // the server closed the connection (ECONNRESET)
  P2024: 'busy', // timed out fetching a connection from the pool
  P2034: 'conflict', // write conflict or deadlock (SQLSTATE 40001)
  P2037: 'busy', // too many connections (SQLSTATE 53300)
};

/**
 * SQLSTATEs that say "not now" rather than "not this request" (PostgreSQL appendix A). A FATAL
 * (or PANIC) error ends the session whatever its code, e.g. 55000 "database is not currently
 * accepting connections" when a new pooled connection is refused: the database is out of reach.
 */
function sqlStateFault(code: string, severity?: unknown): DatabaseFault | null {
  if (severity === 'FATAL' || severity === 'PANIC') return 'connection';
  if (code === '57014') return 'timeout'; // query_canceled: statement_timeout fired
  if (code === '55P03') return 'timeout'; // lock_not_available: lock_timeout fired
  if (code === '40001' || code === '40P01') return 'conflict'; // serialization failure, deadlock
  if (code.startsWith('08')) return 'connection'; // connection exceptions
  if (code === '57P01' || code === '57P02' || code === '57P03') return 'connection'; // shutdown, crash, starting up
  if (code.startsWith('53')) return 'busy'; // insufficient resources: too many connections, memory, disk
  return null;
}

/** Node socket errors from `pg` when the server cannot be reached or goes away. */
const SOCKET_FAULTS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
]);

/** Driver messages that carry no code (pg-pool and pg's Client, PGlite after close). */
const MESSAGE_FAULTS: [RegExp, DatabaseFault][] = [
  [/^timeout exceeded when trying to connect$/, 'busy'], // pg-pool connectionTimeoutMillis
  [/^Connection terminated/, 'connection'], // pg: the socket closed under a query
  [/^Client has encountered a connection error/, 'connection'],
  [/^PGlite is clos(ed|ing)$/, 'connection'], // the embedded database was shut down
];

/** The kinds a DriverAdapterError carries in `cause.kind` (adapter-pg's convertDriverError). */
const ADAPTER_KIND_FAULTS: Record<string, DatabaseFault> = {
  DatabaseNotReachable: 'connection',
  ConnectionClosed: 'connection',
  SocketTimeout: 'timeout',
  TooManyConnections: 'busy',
  TransactionWriteConflict: 'conflict',
};

type Loose = { [key: string]: unknown };
const asObject = (value: unknown): Loose | null =>
  // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent, a primitive let through reads undefined for every property looked up, as null does (only a thrown function given error properties could differ, and no library throws one)
  typeof value === 'object' && value !== null ? (value as Loose) : null;

/** A driver adapter's error, classified by its kind or by the original SQLSTATE. */
function adapterFault(adapterError: Loose): DatabaseFault | null {
  const cause = asObject(adapterError.cause);
  if (!cause) return null;
  // Stryker disable next-line ConditionalExpression: equivalent, `in` reads a non-string kind as its string form, and adapter-pg only sets string kinds
  if (typeof cause.kind === 'string' && cause.kind in ADAPTER_KIND_FAULTS)
    return ADAPTER_KIND_FAULTS[cause.kind] ?? null;
  const sqlState = cause.originalCode ?? cause.code;
  return typeof sqlState === 'string' ? sqlStateFault(sqlState, cause.severity) : null;
}

/** P2028 covers several transaction-manager failures: only the timeouts are faults. */
function transactionFault(error: Prisma.PrismaClientKnownRequestError): DatabaseFault | null {
  if (error.message.includes('Unable to start a transaction in the given time')) return 'busy';
  if (error.message.includes('expired transaction')) return 'timeout';
  return null;
}

/** One error, without following its cause. */
function faultOf(error: unknown): DatabaseFault | null {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code === 'P2028') return transactionFault(error);
    const byCode = PRISMA_FAULTS[error.code];
    if (byCode) return byCode;
    // P2039/P2010 and others wrap a PostgreSQL error: its SQLSTATE decides.
    const adapterError = asObject(asObject(error.meta)?.driverAdapterError);
    return adapterError ? adapterFault(adapterError) : null;
  }
  // Prisma could not connect when it started its engine.
  if (error instanceof Prisma.PrismaClientInitializationError) return 'connection';
  const object = asObject(error);
  if (!object) return null;
  if (object.name === 'DriverAdapterError') return adapterFault(object);
  const code = object.code;
  if (typeof code === 'string') {
    if (SOCKET_FAULTS.has(code)) return 'connection';
    // A PostgreSQL error straight from pg carries its SQLSTATE and a severity.
    if (typeof object.severity === 'string') return sqlStateFault(code, object.severity);
  }
  // Stryker disable next-line StringLiteral,ConditionalExpression: equivalent, no MESSAGE_FAULTS pattern matches '' or any other text without its words (RegExp.test reads a non-string message as its string form, e.g. "undefined")
  const message = typeof object.message === 'string' ? object.message : '';
  return MESSAGE_FAULTS.find(([pattern]) => pattern.test(message))?.[1] ?? null;
}

/** Whether `error` (or an error it wraps) is a database fault, and which. */
export function databaseFault(error: unknown): DatabaseFault | null {
  let current: unknown = error;
  // A short, bounded walk down `cause`: tRPC and Prisma each wrap at most once or twice.
  // Stryker disable next-line ConditionalExpression: equivalent for `current !== null` (null has no fault and no cause, so the next step ends the walk anyway); this also turns off the loop-condition mutants that time out
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const fault = faultOf(current);
    if (fault) return fault;
    current = asObject(current)?.cause;
  }
  return null;
}

/** A read that failed this way may run once more at once: it changes nothing and adds little load. */
export const isRetryableRead = (error: unknown) => {
  const fault = databaseFault(error);
  return fault === 'connection' || fault === 'conflict';
};

/**
 * Known Prisma errors become the contract's codes, faults become SERVICE_UNAVAILABLE; anything
 * else is left to tRPC, which reports it as INTERNAL_SERVER_ERROR (its text masked in production).
 */
export function toTRPCError(error: unknown): TRPCError | null {
  // Stryker disable next-line ConditionalExpression: equivalent, the TRPCErrors that reach it (the credential checks' UNAUTHORIZED and SERVICE_UNAVAILABLE) hold no database fault in their causes and are no Prisma error, so the rest also returns null, and each caller falls back to the error itself
  if (error instanceof TRPCError) return error;
  if (databaseFault(error)) {
    return new TRPCError({
      code: 'SERVICE_UNAVAILABLE',
      message: SERVICE_UNAVAILABLE_MESSAGE,
      cause: error as Error,
    });
  }
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return null;
  switch (error.code) {
    // Unique constraint. The only one on songs is (name, artist). With driver adapters Prisma 7
    // no longer puts the fields in `meta.target` (prisma/orm#28953), so do not rely on it.
    case 'P2002':
      return new TRPCError({
        code: 'CONFLICT',
        message: 'A song with this name and artist already exists',
        cause: error,
      });
    // The record an update or delete needed does not exist.
    case 'P2025':
      return new TRPCError({ code: 'NOT_FOUND', message: 'Song not found', cause: error });
    // P2020 (value out of range) and P2039 (other database errors) mean an input got past
    // validation that should not have: a bug of ours, reported as INTERNAL_SERVER_ERROR.
    // Stryker disable next-line ConditionalExpression: equivalent, an emptied default returns undefined, which every caller reads as null (`&&`, `??`)
    default:
      return null;
  }
}
