/**
 * Access to the API, assembled once per app: who the caller is (API key or JWT), what they may do
 * (the builders in trpc.ts), how often (rate-limit.ts) and from which browser origins (browser.ts).
 *
 *   const access = createAccess(db.prisma, config);
 *   app.use(access.middleware);                                   // before /trpc and /v1
 *   createContext: ({ req }) => access.createRequestContext(req)  // tRPC and REST alike
 */
import express, { type Request, type RequestHandler } from 'express';
import type { Config } from '../config.js';
import { toTRPCError } from '../errors.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { ResponseHeaders } from '../http/trpc-handler.js';
import type { Auth, Context } from '../trpc.js';
import { browserSecurity } from './browser.js';
import { createAuthenticator } from './credentials.js';
import { createJwtVerifier } from './jwt.js';
import { createRateLimits } from './rate-limit.js';

export interface Access {
  /** Security headers and CORS for every route; rate limits for /trpc and /v1. Mount once, first. */
  readonly middleware: RequestHandler;
  /** The context of one request; throws UNAUTHORIZED for a credential that is sent but not valid. */
  createRequestContext(req: Request): Promise<Context>;
  /**
   * Headers for tRPC's responses: every 401 says how to authenticate (`WWW-Authenticate: Bearer`),
   * and with CORS_ORIGINS set every answer varies by Origin (tRPC replaces the Vary header that the
   * CORS middleware set, so it is given again here, to be appended to tRPC's own).
   */
  responseMeta: ResponseHeaders;
  /** Ends the Redis connection, if any. */
  close(): Promise<void>;
}

type Outcome = { auth: Auth | null; error?: undefined } | { auth?: undefined; error: unknown };

export function createAccess(prisma: PrismaClient, config: Config): Access {
  const authenticate = createAuthenticator(prisma, createJwtVerifier(config));
  // One check per request, shared by the rate limiter (which needs the identity first) and the context.
  const outcomes = new WeakMap<Request, Promise<Outcome>>();
  const outcomeOf = (req: Request): Promise<Outcome> => {
    let outcome = outcomes.get(req);
    // Stryker disable next-line ConditionalExpression: equivalent for `true` (check again every time), the second check of a request answers from the verdict cache the first one filled, accepted or rejected alike; only a check that threw (not cached) would run again, against the same database a moment later
    if (!outcome) {
      outcome = authenticate(req.headers.authorization).then(
        (auth) => ({ auth }),
        (error: unknown) => ({ error }),
      );
      outcomes.set(req, outcome);
    }
    return outcome;
  };

  // A credential that is rejected spends its client IP's budget, like an anonymous caller.
  const rateLimits = createRateLimits(config, async (req) => {
    const { auth } = await outcomeOf(req);
    return auth ? `${auth.via}:${auth.subject}` : `ip:${req.ip}`;
  });

  // Built once: the same for every response of this app.
  const varyByOrigin: Record<string, string[]> = config.CORS_ORIGINS.length > 0 ? { vary: ['Origin'] } : {};

  const middleware = express.Router();
  middleware.use(browserSecurity(config));
  middleware.use(['/trpc', '/v1'], rateLimits.middleware);

  return {
    middleware,
    async createRequestContext(req) {
      const outcome = await outcomeOf(req);
      // A key lookup that meets a database fault is a 503 like any procedure's (errors.ts).
      if (outcome.error !== undefined) throw toTRPCError(outcome.error) ?? outcome.error;
      return { prisma, auth: outcome.auth ?? null, readAccess: config.READ_ACCESS };
    },
    responseMeta: ({ errors }) =>
      errors.some((error) => error.code === 'UNAUTHORIZED')
        ? { headers: { ...varyByOrigin, 'WWW-Authenticate': 'Bearer' } }
        : { headers: varyByOrigin },
    close: () => rateLimits.close(),
  };
}
