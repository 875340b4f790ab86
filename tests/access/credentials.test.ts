/**
 * How the server reads a credential (src/access/credentials.ts): the Authorization header's form,
 * the verdict cache and its bound, and how often a key's last use is written. Keys live in this
 * file's database; the JWT verifier is a stub (jwt.test.ts verifies real tokens), and a mocked
 * PrismaClient stands in where the database would have to fail or forget a write.
 */
import { TRPCError } from '@trpc/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { mockDeep } from 'vitest-mock-extended';
import { createApiKey, generateApiKey, hashApiKey } from '../../src/access/api-keys.js';
import { createAuthenticator, LAST_USED_INTERVAL_SECONDS } from '../../src/access/credentials.js';
import type { JwtVerifier } from '../../src/access/jwt.js';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import type { Auth } from '../../src/trpc.js';
import { useTestDatabase } from '../support/test-database.js';

const db = useTestDatabase();
beforeEach(() => db.database.script('DELETE FROM api_keys'));

const bearer = (token: string) => `Bearer ${token}`;
const newKey = (expiresAt: Date | null = null) =>
  createApiKey(db.prisma, { name: 'ci', scopes: ['songs:write'], expiresAt });
const unauthorized = { code: 'UNAUTHORIZED' };

const jwtAuth: Auth = { subject: 'user-1', scopes: ['songs:write'], via: 'jwt' };
/** A JWT-shaped token (three dot-separated parts) of `length` characters. */
const jwtShaped = (length: number) => `a.b.${'c'.repeat(length - 4)}`;
const accepting = () =>
  vi.fn<JwtVerifier>(async () => ({ auth: jwtAuth, expiresAt: Date.now() + 3_600_000 }));
const rejecting = () =>
  vi.fn<JwtVerifier>(async () => {
    throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Invalid credential' });
  });

describe('the Authorization header', () => {
  it('absent or empty: the caller is anonymous', async () => {
    const authenticate = createAuthenticator(db.prisma, null);
    await expect(authenticate(undefined)).resolves.toBeNull();
    await expect(authenticate('')).resolves.toBeNull();
  });

  it.each<[string, (key: string) => string]>([
    ['another scheme', (key) => `Basic ${key}`],
    ['the scheme alone', () => 'Bearer'],
    ['a part after the token', (key) => `Bearer ${key} extra`],
  ])('with %s, around a valid key, is rejected', async (_, header) => {
    const { key } = await newKey();
    const authenticate = createAuthenticator(db.prisma, null);
    await expect(authenticate(bearer(key))).resolves.toMatchObject({ via: 'api-key' });
    await expect(authenticate(header(key))).rejects.toMatchObject(unauthorized);
  });

  it('takes a token of up to 8192 characters, and no longer', async () => {
    const verify = accepting();
    const authenticate = createAuthenticator(db.prisma, verify);
    await expect(authenticate(bearer(jwtShaped(8192)))).resolves.toEqual(jwtAuth);
    await expect(authenticate(bearer(jwtShaped(8193)))).rejects.toMatchObject(unauthorized);
    expect(verify).toHaveBeenCalledTimes(1);
  });
});

describe('a token that is not an API key', () => {
  it('is refused without a JWT verifier, even when it has a JWT’s shape', async () => {
    const authenticate = createAuthenticator(db.prisma, null);
    await expect(authenticate(bearer(jwtShaped(100)))).rejects.toMatchObject(unauthorized);
  });

  it('goes to the verifier only when it has a JWT’s shape', async () => {
    const verify = accepting();
    const authenticate = createAuthenticator(db.prisma, verify);
    await expect(authenticate(bearer('not-a-jwt'))).rejects.toMatchObject(unauthorized);
    expect(verify).not.toHaveBeenCalled();
  });

  it('is a JWT when it is as long as a key but lacks the key prefix', async () => {
    const authenticate = createAuthenticator(db.prisma, accepting());
    await expect(authenticate(bearer(jwtShaped('songs_'.length + 43)))).resolves.toEqual(jwtAuth);
  });

  it('is a JWT when it has the key prefix but not a key’s length', async () => {
    const authenticate = createAuthenticator(db.prisma, accepting());
    await expect(authenticate(bearer('songs_a.b.c'))).resolves.toEqual(jwtAuth);
  });
});

describe('a JWT verdict', () => {
  it('is cached, accepted or rejected: the same token is verified once', async () => {
    for (const verify of [accepting(), rejecting()]) {
      const authenticate = createAuthenticator(db.prisma, verify);
      const results = [
        await authenticate(bearer('a.b.c')).catch(String),
        await authenticate(bearer('a.b.c')).catch(String),
      ];
      expect(results[1]).toEqual(results[0]);
      expect(verify).toHaveBeenCalledTimes(1);
    }
  });

  it('is not made when the provider cannot be reached: the error stands, and the next request asks again', async () => {
    const unavailable = new TRPCError({
      code: 'SERVICE_UNAVAILABLE',
      message: 'Credentials cannot be checked right now',
    });
    const verify = vi.fn<JwtVerifier>(async () => {
      throw unavailable;
    });
    const authenticate = createAuthenticator(db.prisma, verify);
    await expect(authenticate(bearer('a.b.c'))).rejects.toBe(unavailable);
    await expect(authenticate(bearer('a.b.c'))).rejects.toBe(unavailable);
    expect(verify).toHaveBeenCalledTimes(2);
  });
});

describe('the verdict cache', () => {
  it('holds at most 10,000 verdicts and forgets the oldest first', async () => {
    const verify = rejecting();
    const authenticate = createAuthenticator(db.prisma, verify);
    const token = (i: number) => bearer(`a.b.${i}`);
    for (let i = 0; i <= 10_000; i++) await authenticate(token(i)).catch(() => {});
    verify.mockClear();
    await authenticate(token(1)).catch(() => {});
    expect(verify).not.toHaveBeenCalled(); // still remembered
    await authenticate(token(0)).catch(() => {});
    expect(verify).toHaveBeenCalledTimes(1); // forgotten when the 10,001st came
  });
});

describe('an API key’s expiry', () => {
  it('is the first instant the key is refused', async () => {
    const expiry = Date.now() + 3_600_000;
    const { key } = await newKey(new Date(expiry));
    await expect(createAuthenticator(db.prisma, null, () => expiry - 1)(bearer(key))).resolves.toMatchObject({
      via: 'api-key',
    });
    await expect(createAuthenticator(db.prisma, null, () => expiry)(bearer(key))).rejects.toMatchObject(
      unauthorized,
    );
  });
});

describe('the record of a key’s last use', () => {
  const INTERVAL = LAST_USED_INTERVAL_SECONDS * 1000;
  const lastUsed = async (id: string) =>
    (await db.prisma.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt?.getTime() ?? null;

  it('is left alone when another instance wrote it less than a minute ago', async () => {
    const { id, key } = await newKey();
    const now = Date.now();
    await db.prisma.apiKey.update({ where: { id }, data: { lastUsedAt: new Date(now - 10_000) } });
    let clock = now;
    const authenticate = createAuthenticator(db.prisma, null, () => clock);
    await authenticate(bearer(key));
    clock = now + INTERVAL - 10_000; // exactly a minute after the other instance's write
    await authenticate(bearer(key));
    // Had the first lookup written, the stored time would be `now`, not yet a minute old here.
    await vi.waitFor(async () => expect(await lastUsed(id)).toBe(clock));
  });

  describe('when the write does not reach the database', () => {
    const storedRow = {
      id: 'key-1',
      scopes: 'songs:write',
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
    };

    it('is tried at most once a minute, and its failure is logged, not the caller’s', async () => {
      const prisma = mockDeep<PrismaClient>();
      const failure = new Error('connection lost');
      prisma.apiKey.update.mockRejectedValue(failure);
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      try {
        const key = generateApiKey();
        prisma.apiKey.findUnique.mockResolvedValue({ ...storedRow, keyHash: hashApiKey(key) } as never);
        let now = Date.now();
        const authenticate = createAuthenticator(prisma, null, () => now);
        const start = now;
        await expect(authenticate(bearer(key))).resolves.toMatchObject({ subject: 'key-1' });
        await vi.waitFor(() =>
          expect(warn).toHaveBeenCalledWith('Recording an API key’s last use failed:', failure),
        );
        now = start + 6_000; // the cached verdict has expired; the row still says "never used"
        await authenticate(bearer(key));
        expect(prisma.apiKey.update).toHaveBeenCalledTimes(1);
        now = start + INTERVAL;
        await authenticate(bearer(key));
        expect(prisma.apiKey.update).toHaveBeenCalledTimes(2);
      } finally {
        warn.mockRestore();
      }
    });
  });
});
