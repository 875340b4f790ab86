/**
 * Where errors.ts stops looking for a fault: a driver message counts only as the whole text
 * (or, for pg's "Connection terminated…" and "Client has encountered…", as its start), and the walk
 * down `cause` looks at the error and at most four causes below it. Past those bounds the error is
 * no fault: INTERNAL_SERVER_ERROR, tried once. fault-classification.test.ts has the faults themselves.
 */
import { describe, expect, it } from 'vitest';
import { byIdFailingWith } from '../support/failing-database.js';

/** `error` wrapped in `depth` plain errors, each the cause of the next. */
function wrapped(error: Error, depth: number): Error {
  let outer = error;
  for (let i = 0; i < depth; i++) outer = new Error(`wrapper ${i}`, { cause: outer });
  return outer;
}

/** pg's socket error: a fault (SERVICE_UNAVAILABLE) that a read runs once more on. */
const connectionLost = () => Object.assign(new Error('socket'), { code: 'ECONNRESET' });

describe('a driver message quoted inside another text is no fault', () => {
  it.each([
    ['pg-pool’s pool timeout, after other text', 'connect: timeout exceeded when trying to connect'],
    ['pg-pool’s pool timeout, with more after it', 'timeout exceeded when trying to connect (5000 ms)'],
    ['pg’s "Connection terminated", after other text', 'query failed: Connection terminated unexpectedly'],
    [
      'pg’s "Client has encountered a connection error", after other text',
      'query failed: Client has encountered a connection error and is not queryable',
    ],
  ])('%s', async (_, message) => {
    expect(await byIdFailingWith(new Error(message))).toEqual({ code: 'INTERNAL_SERVER_ERROR', tries: 1 });
  });
});

describe('the walk down `cause` looks at the error and at most four causes below it', () => {
  it('finds a fault four causes deep', async () => {
    expect(await byIdFailingWith(wrapped(connectionLost(), 4))).toEqual({
      code: 'SERVICE_UNAVAILABLE',
      tries: 2,
    });
  });

  it('does not look five causes deep', async () => {
    expect(await byIdFailingWith(wrapped(connectionLost(), 5))).toEqual({
      code: 'INTERNAL_SERVER_ERROR',
      tries: 1,
    });
  });
});
