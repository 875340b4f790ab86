/**
 * The answers Express itself gives, in JSON and in our words: an unknown path, and any error a
 * middleware passes on (body parsers, a throwing handler). Express's default handler would send
 * HTML with the error's text, and a stack whenever NODE_ENV is not "production".
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { GENERIC_INTERNAL_MESSAGE } from '../errors.js';

const MESSAGES: Record<number, string> = {
  400: 'Bad request',
  404: 'Not found',
  405: 'Method not allowed',
  413: 'Request body too large',
  415: 'Unsupported content type',
};

export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ error: MESSAGES[404] });
};

/** A 4xx keeps its status with a fixed message; anything else is a 500 whose cause is logged. */
export const jsonErrors: ErrorRequestHandler = (error, req, res, next) => {
  // Stryker disable OptionalChaining,ConditionalExpression: equivalent, Express calls an error handler only with an error that is neither null nor undefined (`next(null)` means no error; the `?.` reads any thrown value, primitives included, without a TypeError); and a statusCode read when it is no number is no 4xx, so the answer is the 500 it is without one
  const declared =
    typeof error?.status === 'number'
      ? error.status
      : typeof error?.statusCode === 'number'
        ? error.statusCode
        : 500;
  // Stryker restore OptionalChaining,ConditionalExpression
  const status = declared >= 400 && declared <= 499 ? declared : 500;
  // requestLogging (app.ts) gives every request its logger before any route runs.
  if (status === 500) req.log.error({ err: error }, 'request failed');
  // Express ends a response that has started (it cuts the connection), so nothing more is sent.
  // Stryker disable next-line ConditionalExpression: equivalent for `false`, sending a JSON answer after the headers throws, and Express's handler then cuts the connection just the same (tests/http/express-errors.test.ts)
  if (res.headersSent) return next(error);
  res
    .status(status)
    .json({ error: MESSAGES[status] ?? (status === 500 ? GENERIC_INTERNAL_MESSAGE : 'Request rejected') });
};
