/**
 * Per-client request budgets (rate-limiter-flexible), one for reads and one for writes, counted
 * per call: a tRPC batch of 20 creates spends 20 of the write budget. Budgets live in memory, or in
 * Redis when REDIS_URL is set so that every instance draws on the same one.
 */
import type { Request, RequestHandler, Response } from 'express';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config.js';

const WINDOW_SECONDS = 60;
/** The contract's largest batch (CONTRACT.md "Limits"). */
const MAX_BATCH_CALLS = 20;
/** A Redis that answers slower than this is treated as down for that request (memory decides). */
const REDIS_COMMAND_TIMEOUT_MS = 200;

type Limiter = RateLimiterMemory | RateLimiterRedis;

export interface RateLimits {
  /** Express middleware for /trpc and /v1: spends the budget, or answers 429. */
  readonly middleware: RequestHandler;
  close(): Promise<void>;
}

/** Who is spending: `key` names the budget (a credential, or the client IP when anonymous). */
export type ClientKey = (req: Request) => Promise<string>;

function connectRedis(url: string, name: string): Redis {
  const redis = new Redis(url, {
    // Named (CLIENT SETNAME) so that an operator can tell this service's connections in CLIENT LIST.
    connectionName: name,
    // Fail a command at once while disconnected (the in-memory limiter answers) instead of queueing it.
    // Stryker disable next-line BooleanLiteral: equivalent, the limiter sends no command while the connection is not ready (rejectIfRedisNotReady), so nothing is queued; a command caught by a drop still fails within commandTimeout and memory decides as before
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return; // ioredis reports every reconnection attempt; one line per outage is enough
    down = true;
    console.warn(
      `Redis unavailable (${error.message}): rate limits are counted in this instance's memory until it returns`,
    );
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    console.warn('Redis reachable again: rate limits are shared between instances');
  });
  return redis;
}

function createLimiter(points: number, name: string, redis: Redis | null, prefix: string): Limiter | null {
  if (points === 0) return null;
  const memory = new RateLimiterMemory({ points, duration: WINDOW_SECONDS, keyPrefix: name });
  if (!redis) return memory;
  return new RateLimiterRedis({
    storeClient: redis,
    points,
    duration: WINDOW_SECONDS,
    keyPrefix: `${prefix}:${name}`,
    // While Redis is down each instance counts alone: limits still hold, per instance.
    insuranceLimiter: memory,
    // Stryker disable next-line BooleanLiteral: equivalent, without the offline queue a command sent while not ready fails at once in ioredis, and the insurance limiter decides as it does here
    rejectIfRedisNotReady: true,
  });
}

/** Calls in one request: a tRPC batch names its procedures in the path (`/song.create,song.create`). */
function callsIn(req: Request): string[] {
  if (req.baseUrl !== '/trpc' || req.query.batch !== '1') return [req.path.slice(1)];
  return req.path.slice(1).split(',');
}

function setBudgetHeaders(res: Response, limit: number, result: RateLimiterRes): void {
  const reset = Math.max(1, Math.ceil(result.msBeforeNext / 1000));
  res.set({
    'RateLimit-Limit': String(limit),
    'RateLimit-Remaining': String(Math.max(0, result.remainingPoints)),
    'RateLimit-Reset': String(reset),
    'RateLimit-Policy': `${limit};w=${WINDOW_SECONDS}`,
  });
}

/** 429 as tRPC itself would send it (superjson envelope, one entry per call of a batch). */
function tooManyRequests(req: Request, res: Response, retryAfter: number): void {
  const message = `Too many requests: try again in ${retryAfter} s`;
  res.status(429).set('Retry-After', String(retryAfter));
  if (req.baseUrl !== '/trpc') {
    res.json({ detail: message });
    return;
  }
  const calls = callsIn(req);
  const errorOf = (path: string) => ({
    error: {
      json: {
        message,
        code: -32029, // TRPC_ERROR_CODES_BY_KEY.TOO_MANY_REQUESTS
        data: { code: 'TOO_MANY_REQUESTS', httpStatus: 429, path, zodError: null },
      },
    },
  });
  // One entry per call, as tRPC's client expects; a path naming more calls than a batch may hold
  // gets one error, so a long URL cannot make a large answer.
  const perCall = req.query.batch === '1' && calls.length <= MAX_BATCH_CALLS;
  // Stryker disable next-line StringLiteral: equivalent for `calls[0] ?? ''`, with one call calls[0] is always a string (this also turns off the last '', which the test of a 21-call path kills)
  res.json(perCall ? calls.map(errorOf) : errorOf(calls.length === 1 ? (calls[0] ?? '') : ''));
}

export function createRateLimits(
  config: Pick<Config, 'RATE_LIMIT_READ' | 'RATE_LIMIT_WRITE' | 'REDIS_URL' | 'REDIS_KEY_PREFIX'>,
  clientKey: ClientKey,
): RateLimits {
  const prefix = `${config.REDIS_KEY_PREFIX}:ratelimit`;
  const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL, prefix) : null;
  const read = createLimiter(config.RATE_LIMIT_READ, 'read', redis, prefix);
  const write = createLimiter(config.RATE_LIMIT_WRITE, 'write', redis, prefix);

  const middleware: RequestHandler = async (req, res, next) => {
    if (req.method === 'OPTIONS') return next();
    // tRPC sends queries with GET and mutations with POST; REST reads are GET and HEAD.
    const isRead = req.method === 'GET' || req.method === 'HEAD';
    const limiter = isRead ? read : write;
    if (!limiter) return next();
    const key = await clientKey(req);
    try {
      setBudgetHeaders(res, limiter.points, await limiter.consume(key, callsIn(req).length));
      next();
    } catch (rejection) {
      // Stryker disable next-line ConditionalExpression: equivalent for `true`, consume rejects only with a RateLimiterRes (the memory limiter never fails, the Redis one falls back to it), and setBudgetHeaders and next() do not throw (`false` is killed by every 429 test)
      if (rejection instanceof RateLimiterRes) {
        setBudgetHeaders(res, limiter.points, rejection);
        tooManyRequests(req, res, Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
        return;
      }
      // Not a verdict (both stores failed): serve the request, and say so.
      // Stryker disable next-line StringLiteral: equivalent, unreachable (see the check above: no store failure reaches here), so no log line can show it
      console.error('Rate limiting failed; request served without a limit:', rejection);
      next();
    }
  };

  return {
    middleware,
    close: async () => {
      redis?.disconnect();
    },
  };
}
