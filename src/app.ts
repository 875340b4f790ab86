/**
 * The HTTP surface, in the order a request meets it: request id and log line, access (headers,
 * CORS, rate limits), the probes, tRPC at /trpc, REST at /v1, the songs page at /, then JSON answers
 * for unknown paths and errors.
 * The concerns live in http/* and access/*; this file only orders them.
 */
import express from 'express';
import { createAccess } from './access/index.js';
import type { Config } from './config.js';
import type { Database } from './db/index.js';
import { screenBody } from './http/body-screen.js';
import { jsonErrors, notFound } from './http/express-errors.js';
import { MAX_BODY_BYTES } from './http/limits.js';
import { createLogger, type Logger, requestLogging } from './http/logging.js';
import { trpcHandler } from './http/trpc-handler.js';
import { webPage } from './http/web.js';
import { createRestRouter } from './rest/router.js';

export { MAX_BATCH_SIZE, MAX_BODY_BYTES } from './http/limits.js';

const READINESS_TIMEOUT_MS = 2000;

export function createApp(
  db: Pick<Database, 'prisma' | 'ping'>,
  config: Config,
  logger: Logger = createLogger(config),
): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Client IPs (for anonymous rate limits) come from X-Forwarded-For only behind TRUST_PROXY proxies.
  if (config.TRUST_PROXY !== undefined) app.set('trust proxy', config.TRUST_PROXY);
  app.use(requestLogging(logger));
  const access = createAccess(db.prisma, config);
  app.use(access.middleware);
  app.locals.close = () => access.close(); // called by serve()'s close (server.ts)

  // Liveness: the process is up and serving HTTP.
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Readiness: the database answers, so traffic may be routed here.
  app.get('/readyz', async (_req, res) => {
    try {
      await withTimeout(db.ping(), READINESS_TIMEOUT_MS);
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });

  // The one place a request's context is built: the database and the caller's identity.
  app.use(
    '/trpc',
    screenBody,
    trpcHandler(({ req }) => access.createRequestContext(req), access.responseMeta),
  );

  // The REST API under /v1 calls the same procedures with the same per-request context.
  app.use(
    createRestRouter({
      createContext: (req) => access.createRequestContext(req),
      maxBodyBytes: MAX_BODY_BYTES,
    }),
  );

  // The songs page (web/, built on install) at /.
  app.use(webPage());

  app.use(notFound);
  app.use(jsonErrors);
  return app;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
