/**
 * Every entry of errors.ts's fault tables, one row each (Prisma codes, adapter kinds, socket codes,
 * driver messages, PostgreSQL SQLSTATEs and severities): the code a client gets, and whether the read
 * ran once more (connection and conflict faults do; timeouts and a busy server do not, they would
 * only add load). database-errors.test.ts shows the mapping at work over HTTP and in the log.
 */
import { describe, expect, it } from 'vitest';
import { Prisma } from '../../src/generated/prisma/client.js';
import { byIdFailingWith, byIdFailure } from '../support/failing-database.js';

/** A PostgreSQL error as Prisma 7 wraps it through adapter-pg (P2039 with `driverAdapterError`). */
function postgresError(sqlState: string, severity?: string) {
  const cause = { kind: 'postgres', originalCode: sqlState, originalMessage: 'x', severity };
  return new Prisma.PrismaClientKnownRequestError(`Database error. Code: \`${sqlState}\`.`, {
    code: 'P2039',
    clientVersion: Prisma.prismaVersion.client,
    meta: {
      driverAdapterError: Object.assign(new Error('DriverAdapterError'), {
        name: 'DriverAdapterError',
        cause,
      }),
    },
  });
}

/** What the pg driver itself throws for a PostgreSQL error: its SQLSTATE and severity, no Prisma. */
const pgError = (sqlState: string, severity = 'ERROR') =>
  Object.assign(new Error('from the server'), { code: sqlState, severity });

const prismaError = (code: string) =>
  new Prisma.PrismaClientKnownRequestError(`Invalid \`prisma.$queryRaw()\` invocation: ${code}`, {
    code,
    clientVersion: Prisma.prismaVersion.client,
  });
const unwrappedAdapterError = (kind: string) =>
  Object.assign(new Error('DriverAdapterError'), { name: 'DriverAdapterError', cause: { kind } });
/** A Node socket error, with a message that no message rule matches (the code alone decides). */
const socketError = (code: string) => Object.assign(new Error('socket'), { code, syscall: 'connect' });

describe('driver and Prisma errors that are faults: SERVICE_UNAVAILABLE, retried only when safe', () => {
  it.each<[string, unknown, number]>([
    ['Prisma P1001 (server unreachable)', prismaError('P1001'), 2],
    ['Prisma P1002 (server reached, timed out)', prismaError('P1002'), 1],
    ['Prisma P1008 (socket timeout)', prismaError('P1008'), 1],
    ['Prisma P1017 (connection closed)', prismaError('P1017'), 2],
    ['Prisma P2024 (pool timeout)', prismaError('P2024'), 1],
    ['Prisma P2034 (write conflict)', prismaError('P2034'), 2],
    ['Prisma P2037 (too many connections)', prismaError('P2037'), 1],
    ['adapter kind DatabaseNotReachable', unwrappedAdapterError('DatabaseNotReachable'), 2],
    ['adapter kind ConnectionClosed', unwrappedAdapterError('ConnectionClosed'), 2],
    ['adapter kind SocketTimeout', unwrappedAdapterError('SocketTimeout'), 1],
    ['adapter kind TooManyConnections', unwrappedAdapterError('TooManyConnections'), 1],
    ['adapter kind TransactionWriteConflict', unwrappedAdapterError('TransactionWriteConflict'), 2],
    ['socket ECONNREFUSED', socketError('ECONNREFUSED'), 2],
    ['socket ECONNRESET', socketError('ECONNRESET'), 2],
    ['socket ENOTFOUND', socketError('ENOTFOUND'), 2],
    ['socket ETIMEDOUT', socketError('ETIMEDOUT'), 2],
    ['socket EPIPE', socketError('EPIPE'), 2],
    ['socket EHOSTUNREACH', socketError('EHOSTUNREACH'), 2],
    [
      'pg-pool’s "timeout exceeded when trying to connect"',
      new Error('timeout exceeded when trying to connect'),
      1,
    ],
    [
      'pg’s "Connection terminated due to connection timeout"',
      new Error('Connection terminated due to connection timeout'),
      2,
    ],
    [
      'pg’s "Client has encountered a connection error"',
      new Error('Client has encountered a connection error and is not queryable'),
      2,
    ],
    ['"PGlite is closed"', new Error('PGlite is closed'), 2],
    ['"PGlite is closing"', new Error('PGlite is closing'), 2],
  ])('%s', async (_, error, tries) => {
    expect(await byIdFailingWith(error)).toEqual({ code: 'SERVICE_UNAVAILABLE', tries });
  });
});

describe('driver errors that only resemble a fault: INTERNAL_SERVER_ERROR, tried once', () => {
  it.each<[string, unknown]>([
    ['an unknown adapter kind', unwrappedAdapterError('LengthMismatch')],
    ['an unknown socket code', socketError('EACCES')],
    ['a fault message that does not start the text', new Error('query failed: PGlite is closed')],
    ['a fault message with more after it', new Error('PGlite is closed for maintenance')],
  ])('%s', async (_, error) => {
    expect(await byIdFailingWith(error)).toEqual({ code: 'INTERNAL_SERVER_ERROR', tries: 1 });
  });
});

describe('PostgreSQL errors that are faults: SERVICE_UNAVAILABLE, and a read runs again only when that is safe', () => {
  it.each<[string, unknown, number]>([
    ['lock timeout (55P03)', postgresError('55P03'), 1],
    ['statement timeout (57014)', postgresError('57014'), 1],
    ['serialization failure (40001)', postgresError('40001'), 2],
    ['deadlock (40P01)', postgresError('40P01'), 2],
    ['connection failure (08006)', postgresError('08006'), 2],
    ['connection does not exist (08003)', postgresError('08003'), 2],
    ['administrator shutdown (57P01)', postgresError('57P01'), 2],
    ['crash shutdown (57P02)', postgresError('57P02'), 2],
    ['cannot connect now (57P03)', postgresError('57P03'), 2],
    ['too many connections (53300)', postgresError('53300'), 1],
    ['out of memory (53200)', postgresError('53200'), 1],
    ['disk full (53100)', postgresError('53100'), 1],
    ['any code with severity FATAL (55000)', postgresError('55000', 'FATAL'), 2],
    ['any code with severity PANIC (XX000)', postgresError('XX000', 'PANIC'), 2],
    ['a lock timeout straight from pg', pgError('55P03'), 1],
    ['a serialization failure straight from pg', pgError('40001'), 2],
    ['a FATAL straight from pg', pgError('57P01', 'FATAL'), 2],
    [
      'a fault two causes deep',
      new Error('outer', { cause: new Error('inner', { cause: pgError('40001') }) }),
      2,
    ],
    [
      'pg’s "Connection terminated" with a code that is no SQLSTATE',
      Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ERR_STREAM_DESTROYED' }),
      2,
    ],
    [
      'an interactive transaction that expired (Prisma P2028)',
      new Prisma.PrismaClientKnownRequestError(
        'Transaction API error: Transaction already closed: A query cannot be executed on an expired transaction.',
        { code: 'P2028', clientVersion: Prisma.prismaVersion.client },
      ),
      1,
    ],
  ])('%s', async (_, error, tries) => {
    expect(await byIdFailingWith(error)).toEqual({ code: 'SERVICE_UNAVAILABLE', tries });
  });
});

describe('PostgreSQL errors that are not faults: INTERNAL_SERVER_ERROR, tried once', () => {
  it.each<[string, unknown]>([
    ['a syntax error (42601)', postgresError('42601')],
    ['a code that only ends like a fault class (XX053)', postgresError('XX053')],
    ['a code that only ends like a connection class (XX008)', postgresError('XX008')],
    ['severity ERROR on an unlisted code (22008)', postgresError('22008', 'ERROR')],
    ['an unlisted code straight from pg', pgError('22P02')],
    // Only an error with a severity is PostgreSQL's: the same code from elsewhere is not a SQLSTATE.
    ['a connection-class code without a severity', Object.assign(new Error('x'), { code: '08006' })],
  ])('%s', async (_, error) => {
    expect(await byIdFailingWith(error)).toEqual({ code: 'INTERNAL_SERVER_ERROR', tries: 1 });
  });
});

describe('an error the mapping cannot classify is an internal error, reported with itself as the cause', () => {
  const adapterError = (cause?: object) =>
    Object.assign(new Error('DriverAdapterError'), { name: 'DriverAdapterError', cause });

  it.each<[string, Error]>([
    ['a DriverAdapterError with no cause', adapterError()],
    [
      'a DriverAdapterError whose postgres cause has no code',
      adapterError({ kind: 'postgres', originalMessage: 'x' }),
    ],
    ['an error whose cause is a string', new Error('failed', { cause: 'socket closed' })],
    // The walk down `cause` is bounded: a cycle ends it instead of looping for ever.
    [
      'a cause that is the error itself',
      (() => {
        const error = new Error('loops');
        Object.assign(error, { cause: error });
        return error;
      })(),
    ],
    ['a numeric code beside a severity', Object.assign(new Error('x'), { code: 53300, severity: 'ERROR' })],
  ])('%s', async (_, thrown) => {
    const { failure } = await byIdFailure(thrown);
    expect(failure.code).toBe('INTERNAL_SERVER_ERROR');
    // The mapping classified it and let it through: it did not itself fail on the missing fields.
    expect(failure.cause).toBe(thrown);
  });
});
