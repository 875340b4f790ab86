/**
 * What browsers need to know: security headers (helmet) on every response, and CORS for the
 * origins in CORS_ORIGINS only. Any other origin gets no CORS headers at all, so the browser keeps
 * its same-origin rule.
 */

import cors from 'cors';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import type { Config } from '../config.js';

/** The headers tRPC's links (and the client package) send. */
export const CORS_ALLOWED_HEADERS = [
  'content-type',
  'authorization',
  'trpc-accept',
  'x-trpc-source',
  'x-request-id',
];
/** Response headers a frontend may read: how long to back off, and what budget is left. */
const CORS_EXPOSED_HEADERS = [
  'Retry-After',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'RateLimit-Policy',
];
/** Browsers may reuse a preflight answer this long (seconds) instead of asking before every call. */
const PREFLIGHT_MAX_AGE = 600;

export function browserSecurity(config: Pick<Config, 'CORS_ORIGINS'>): RequestHandler[] {
  const allowed = new Set(config.CORS_ORIGINS);
  const corsForAllowed = cors({
    origin: true, // echo the request's origin: only reached for an allowed one
    methods: ['GET', 'POST'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE,
  });
  const corsIfAllowed: RequestHandler = (req, res, next) => {
    const origin = req.headers.origin;
    // Stryker disable next-line ConditionalExpression: equivalent for `origin !== undefined` forced true, `allowed` holds only strings, so has(undefined) is false anyway (the check narrows the type)
    if (origin !== undefined && allowed.has(origin)) return corsForAllowed(req, res, next);
    // Caches must not serve one origin's CORS answer to another.
    if (allowed.size > 0) res.vary('Origin');
    next();
  };
  // helmet's defaults suit a JSON API (nosniff, no framing, HSTS, a strict CSP, no referrer), less
  // upgrade-insecure-requests: the songs page and /v1/docs are also served over plain HTTP (npm start
  // on a LAN address), where upgrading their own scripts to https would leave them blank.
  return [
    helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }),
    corsIfAllowed,
  ];
}
