/**
 * JWTs from an identity provider, verified with `jose`: by the provider's JWKS (AUTH_JWKS_URL) or a
 * shared HS256 secret (AUTH_JWT_SECRET), always against AUTH_ISSUER and AUTH_AUDIENCE.
 */
import { TRPCError } from '@trpc/server';
import { createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyOptions, jwtVerify } from 'jose';
import type { Config } from '../config.js';
import type { Auth } from '../trpc.js';

/** Asymmetric algorithms only for a JWKS: a public key must never verify an HMAC ("alg confusion"). */
const JWKS_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];
/** Clocks of the provider and this server may disagree by this much. */
const CLOCK_TOLERANCE_SECONDS = 30;

export interface VerifiedJwt {
  auth: Auth;
  /** When the token expires (ms since the epoch): a cached verdict must not outlive it. */
  expiresAt: number;
}

export type JwtVerifier = (token: string) => Promise<VerifiedJwt>;

/** Whether `token` has a JWT's shape (three base64url parts); says nothing of its validity. */
export const looksLikeJwt = (token: string) => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);

/** The `scope` claim: space-separated (RFC 8693), or an array as some providers send it. */
function scopesOf(payload: JWTPayload): string[] {
  const claim = payload.scope;
  if (typeof claim === 'string') return claim.split(' ').filter(Boolean);
  if (Array.isArray(claim)) return claim.filter((scope): scope is string => typeof scope === 'string');
  return [];
}

/** A verifier for the configured provider, or null when JWTs are not accepted. */
export function createJwtVerifier(
  config: Pick<Config, 'AUTH_JWKS_URL' | 'AUTH_JWT_SECRET' | 'AUTH_ISSUER' | 'AUTH_AUDIENCE'>,
): JwtVerifier | null {
  const {
    AUTH_JWKS_URL: jwksUrl,
    AUTH_JWT_SECRET: secret,
    AUTH_ISSUER: issuer,
    AUTH_AUDIENCE: audience,
  } = config;
  if (issuer === undefined || audience === undefined || (jwksUrl === undefined && secret === undefined))
    return null;
  const options: JWTVerifyOptions = {
    issuer,
    audience,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    requiredClaims: ['sub', 'exp'],
    algorithms: jwksUrl ? JWKS_ALGORITHMS : ['HS256'],
  };
  // jose caches the key set and refetches it (at most every 30 s) when a token names an unknown key.
  const jwks = jwksUrl ? createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 3000 }) : null;
  // Stryker disable next-line StringLiteral: equivalent, without a secret a JWKS URL is set (checked above; the config accepts no empty URL), so the HMAC key is never used
  const hmacKey = new TextEncoder().encode(secret ?? '');

  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = jwks ? await jwtVerify(token, jwks, options) : await jwtVerify(token, hmacKey, options));
    } catch (error) {
      throw jwtError(error);
    }
    return {
      auth: { subject: payload.sub as string, scopes: scopesOf(payload), via: 'jwt' },
      expiresAt: (payload.exp as number) * 1000,
    };
  };
}

/**
 * A token that fails verification is the caller's problem (UNAUTHORIZED); a provider whose key set
 * cannot be fetched is ours (SERVICE_UNAVAILABLE), and must not read as "your token is bad".
 * jose reports a key set that times out or is no key set by their own classes, and one answered
 * with another status than 200, or with text that is not JSON, by a plain JOSEError; everything a
 * token itself gets wrong has a class of its own.
 */
function jwtError(error: unknown): TRPCError {
  const providerDown =
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    !(error instanceof errors.JOSEError) ||
    error.constructor === errors.JOSEError;
  if (providerDown) {
    console.error('JWT verification: the identity provider’s key set is unavailable:', error);
    return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'Credentials cannot be checked right now' });
  }
  // Stryker disable next-line StringLiteral: equivalent, credentials.ts answers every UNAUTHORIZED verdict with its own message (one for all rejected credentials) and logs none, so this text reaches no client and no log
  return new TRPCError({ code: 'UNAUTHORIZED', message: 'Invalid credential', cause: error });
}
