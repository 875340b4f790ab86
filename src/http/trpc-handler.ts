/**
 * tRPC over HTTP: the limits every request meets before a procedure runs, `Retry-After` on 503s,
 * and the log line for a failed call (with the request's id, through `req.log`).
 */
import type { TRPCError } from '@trpc/server';
import { type CreateExpressContextOptions, createExpressMiddleware } from '@trpc/server/adapters/express';
import type { RequestHandler } from 'express';
import { RETRY_AFTER_SECONDS } from '../errors.js';
import { appRouter } from '../router.js';
import type { Context } from '../trpc.js';
import { MAX_BATCH_SIZE, MAX_BODY_BYTES } from './limits.js';

/**
 * Headers a concern outside this file adds to tRPC's responses (e.g. WWW-Authenticate on a 401,
 * Vary: Origin). A list is appended to the header tRPC sets itself, a string replaces it.
 */
export type ResponseHeaders = (opts: { errors: readonly TRPCError[] }) => {
  headers?: Record<string, string | string[]>;
};

export function trpcHandler(
  createContext: (options: CreateExpressContextOptions) => Context | Promise<Context>,
  responseHeaders: ResponseHeaders,
): RequestHandler {
  return createExpressMiddleware({
    router: appRouter,
    createContext,
    maxBodySize: MAX_BODY_BYTES,
    maxBatchSize: MAX_BATCH_SIZE,
    responseMeta({ errors }) {
      const { headers: extra } = responseHeaders({ errors });
      // Stryker disable next-line ConditionalExpression: equivalent for `false`, a success is JSON too, so labelling it so changes nothing
      if (errors.length === 0) return extra ? { headers: extra } : {};
      // tRPC labels some of its own error bodies text/plain; they are JSON.
      const headers: Record<string, string | string[]> = { 'Content-Type': 'application/json', ...extra };
      if (errors.some((error) => error.code === 'SERVICE_UNAVAILABLE'))
        headers['Retry-After'] = String(RETRY_AFTER_SECONDS);
      return { headers };
    },
    onError({ error, path, req }) {
      // The client was told little (see http/client-errors.ts); the log keeps the cause.
      if (error.code === 'INTERNAL_SERVER_ERROR') {
        req.log.error({ err: error.cause ?? error, procedure: path }, 'procedure failed');
      } else if (error.code === 'SERVICE_UNAVAILABLE') {
        req.log.warn({ err: error.cause ?? error, procedure: path }, 'database unavailable');
      }
    },
  });
}
