/**
 * The songs page (web/, built into web/dist by `npm install`'s postinstall) at `/`, from the same
 * origin as /trpc, so the page needs no CORS. Vite names every asset by a hash of its content, so
 * assets may be cached for good; index.html must be asked for again, to pick up a new build.
 *
 * Without a build (dev dependencies omitted) nothing is served here, and `/` falls through to
 * the app's 404.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';

export const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url));

export function webPage(dist: string = WEB_DIST): Router {
  const router = express.Router();
  router.use(
    '/assets',
    express.static(path.join(dist, 'assets'), { immutable: true, maxAge: '365d', index: false }),
  );
  router.use(
    express.static(dist, {
      index: 'index.html',
      setHeaders: (res, file) => {
        if (file.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );
  return router;
}
