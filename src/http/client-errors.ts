/**
 * What a client reads in a tRPC error's `message`: our own words, never a library's.
 *
 * tRPC copies the text of whatever failed while it read an input (JSON.parse, superjson) into a
 * BAD_REQUEST, and the text of any unexpected error into an INTERNAL_SERVER_ERROR. Those texts
 * belong to V8, superjson, Prisma or pg: they can carry SQL, paths and versions, and they change
 * with every upgrade. Here they are replaced; the cause stays in the server's log.
 */
import type { TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { isDevelopment } from '../config.js';
import { GENERIC_INTERNAL_MESSAGE } from '../errors.js';
import { InvalidEnvelopeError } from './envelope.js';
import { MAX_BATCH_SIZE } from './limits.js';

export const INVALID_JSON_MESSAGE = 'The input is not valid JSON';
export const INVALID_INPUT_MESSAGE = 'The input could not be read';

/** "name: name must not be empty; streams: …": each problem with the field it concerns. */
export function describeZodError(error: ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** The message to send for `error`, whose own message is `message`. */
export function clientMessage(error: TRPCError): string {
  const { cause } = error;
  if (error.code === 'INTERNAL_SERVER_ERROR')
    return isDevelopment() ? error.message : GENERIC_INTERNAL_MESSAGE;
  // Stryker disable next-line ConditionalExpression: equivalent for the code check forced true, a ZodError reaches a client only as the cause of the BAD_REQUEST that trpc.ts's badInput builds
  if (error.code === 'BAD_REQUEST' && cause instanceof ZodError) return describeZodError(cause);
  if (cause instanceof InvalidEnvelopeError) return cause.message;
  // tRPC's own wording: it echoes the header, and names no limit.
  if (error.code === 'UNSUPPORTED_MEDIA_TYPE') return 'Send the input as application/json';
  if (error.message === 'Batch call exceeds maximum size')
    return `A batch may hold at most ${MAX_BATCH_SIZE} calls`;
  // tRPC's input reader copies its cause's message: that text is a library's (or V8's).
  if (cause instanceof Error && cause.message === error.message) {
    return cause instanceof SyntaxError ? INVALID_JSON_MESSAGE : INVALID_INPUT_MESSAGE;
  }
  return error.message;
}
