/**
 * Turns an `Authorization: Bearer <token>` header into the caller's `Auth`: an API key (looked up
 * by its hash) or, when configured, a JWT. Verdicts are cached for a few seconds, so a caller that
 * keeps using one credential costs no query and no signature check per request.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Auth } from '../trpc.js';
import { hashApiKey, looksLikeApiKey, parseScopes } from './api-keys.js';
import { type JwtVerifier, looksLikeJwt } from './jwt.js';

/** How long a verdict is reused: also the longest a revoked key keeps working on a running server. */
export const CREDENTIAL_CACHE_SECONDS = 5;
/** A key's `last_used_at` is written at most this often (outside the request that used it). */
export const LAST_USED_INTERVAL_SECONDS = 60;
/** Bounds the memory a flood of made-up tokens can take. */
const CACHE_MAX_ENTRIES = 10_000;

/** One message for every rejected credential, so that none tells whether a key exists. */
const rejected = () => new TRPCError({ code: 'UNAUTHORIZED', message: 'Invalid or expired credential' });

interface Verdict {
  /** null: the credential was rejected. */
  auth: Auth | null;
  until: number;
}

export type Authenticate = (authorization: string | undefined) => Promise<Auth | null>;

export function createAuthenticator(
  prisma: PrismaClient,
  verifyJwt: JwtVerifier | null,
  now: () => number = Date.now,
): Authenticate {
  const cache = new Map<string, Verdict>();
  const lastUsedWrites = new Map<string, number>();

  const remember = (hash: string, auth: Auth | null, until: number) => {
    if (cache.size >= CACHE_MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(hash, { auth, until: Math.min(until, now() + CREDENTIAL_CACHE_SECONDS * 1000) });
    return auth;
  };

  /** Records use off the request's path: a failure to write it is logged, never the caller's. */
  const touch = (id: string, lastUsedAt: Date | null) => {
    const due = (lastUsedAt?.getTime() ?? 0) + LAST_USED_INTERVAL_SECONDS * 1000;
    if (now() < due || (lastUsedWrites.get(id) ?? 0) + LAST_USED_INTERVAL_SECONDS * 1000 > now()) return;
    lastUsedWrites.set(id, now());
    prisma.apiKey
      .update({ where: { id }, data: { lastUsedAt: new Date(now()) }, select: { id: true } })
      .catch((error: unknown) => console.warn('Recording an API key’s last use failed:', error));
  };

  const lookUpKey = async (hash: string): Promise<Auth | null> => {
    const row = await prisma.apiKey.findUnique({
      where: { keyHash: hash },
      select: { id: true, keyHash: true, scopes: true, expiresAt: true, revokedAt: true, lastUsedAt: true },
    });
    // The index finds the row; the comparison that admits the caller takes the same time for any
    // hash (the hash is not secret, but this keeps the rule simple: no early-exit compare of secrets).
    // Stryker disable next-line ConditionalExpression: equivalent for `true`, the row was found by this very hash, so the comparison holds whenever there is a row (and `!row` answers when there is none)
    const matches = row !== null && timingSafeEqual(Buffer.from(row.keyHash), Buffer.from(hash));
    // Stryker disable next-line LogicalOperator: equivalent for `!row && !matches`, with no row `matches` is false, and with one it is true (above)
    if (!row || !matches || row.revokedAt !== null) return remember(hash, null, Number.POSITIVE_INFINITY);
    const expiresAt = row.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY;
    if (expiresAt <= now()) return remember(hash, null, Number.POSITIVE_INFINITY);
    touch(row.id, row.lastUsedAt);
    return remember(hash, { subject: row.id, scopes: parseScopes(row.scopes), via: 'api-key' }, expiresAt);
  };

  const verifyToken = async (token: string, hash: string): Promise<Auth | null> => {
    if (!verifyJwt || !looksLikeJwt(token)) return remember(hash, null, Number.POSITIVE_INFINITY);
    try {
      const { auth, expiresAt } = await verifyJwt(token);
      return remember(hash, auth, expiresAt);
    } catch (error) {
      if (error instanceof TRPCError && error.code === 'UNAUTHORIZED') {
        return remember(hash, null, Number.POSITIVE_INFINITY);
      }
      throw error; // the provider is unreachable: not a verdict on this token, so not cached
    }
  };

  /** null for no credential; the caller's Auth; or throws UNAUTHORIZED for a rejected one. */
  return async (authorization) => {
    if (authorization === undefined || authorization === '') return null;
    const [scheme, token, ...rest] = authorization.split(' ');
    // Stryker disable next-line OptionalChaining: equivalent, split() always gives a first part, so `scheme` is never undefined (the `?.` satisfies the type of a destructured array)
    if (scheme?.toLowerCase() !== 'bearer' || !token || rest.length > 0 || token.length > 8192)
      throw rejected();
    const isKey = looksLikeApiKey(token);
    const hash = isKey ? hashApiKey(token) : createHash('sha256').update(token).digest('hex');
    const cached = cache.get(hash);
    let auth: Auth | null;
    if (cached && cached.until > now()) auth = cached.auth;
    else auth = isKey ? await lookUpKey(hash) : await verifyToken(token, hash);
    if (!auth) throw rejected();
    return auth;
  };
}
