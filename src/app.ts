/** The HTTP surface: tRPC at /trpc and the two health probes. Nothing else lives here. */
import { createExpressMiddleware } from '@trpc/server/adapters/express';
import express, { type ErrorRequestHandler } from 'express';
import type { Config } from './config.js';
import type { Database } from './db/index.js';
import { webPage } from './http/web.js';
import { appRouter } from './router.js';
import type { Context } from './trpc.js';

/** Largest request body tRPC will read (a batch of creates is a few KB). */
export const MAX_BODY_BYTES = 1024 * 1024;
const READINESS_TIMEOUT_MS = 2000;

export function createApp(db: Pick<Database, 'prisma' | 'ping'>, _config: Config): express.Express {
  const app = express();
  app.disable('x-powered-by');

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

  app.use(
    '/trpc',
    createExpressMiddleware({
      router: appRouter,
      createContext: (): Context => ({ prisma: db.prisma, auth: null }),
      maxBodySize: MAX_BODY_BYTES,
      onError({ error, path }) {
        // The client gets a generic message in production (see trpc.ts); the log keeps the cause.
        if (error.code === 'INTERNAL_SERVER_ERROR') {
          console.error(`tRPC ${path ?? '<unknown>'} failed:`, error.cause ?? error);
        }
      },
    }),
  );

  app.use(webPage());

  app.use((_req, res) => {
    res.status(404).json({ error: 'Not found' });
  });

  // Express's own handler would answer with HTML (and a stack outside production).
  const jsonErrors: ErrorRequestHandler = (error, _req, res, _next) => {
    const status = typeof error?.status === 'number' && error.status < 500 ? error.status : 500;
    if (status === 500) console.error(error);
    res.status(status).json({ error: status === 500 ? 'Internal server error' : 'Bad request' });
  };
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
