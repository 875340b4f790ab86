/**
 * The text a client reads for an input tRPC could not read (src/http/client-errors.ts): tRPC copies
 * its cause's message, a library's or V8's, which is replaced by ours. A real request shows the
 * JSON case (tests/http/envelope.test.ts); the envelope checks stop the others before tRPC meets
 * them, so they are stated here on the errors tRPC would build.
 */
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { clientMessage, INVALID_JSON_MESSAGE } from '../../src/http/client-errors.js';

const readFailure = (cause: Error) => new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause });

describe('the message of an input tRPC could not read', () => {
  it('is ours for a parse error', () => {
    expect(clientMessage(readFailure(new SyntaxError('Unexpected token } in JSON at position 9')))).toBe(
      INVALID_JSON_MESSAGE,
    );
  });

  it('is ours for any other error whose text tRPC copied', () => {
    expect(
      clientMessage(readFailure(new TypeError("Cannot read properties of undefined (reading 'x')"))),
    ).toBe('The input could not be read');
  });

  it("stays the error's own when it is not its cause's text", () => {
    const error = new TRPCError({
      code: 'BAD_REQUEST',
      message: 'cursor is malformed',
      cause: new Error('other'),
    });
    expect(clientMessage(error)).toBe('cursor is malformed');
  });
});
