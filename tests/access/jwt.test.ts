/**
 * JWTs from an identity provider: the test is the provider. It makes a key pair, serves the public
 * half as a JWKS on a local port, and signs tokens; the server verifies them with AUTH_JWKS_URL.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createJwtVerifier, looksLikeJwt } from '../../src/access/jwt.js';
import { songInput } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { getCall, postCall, trpcError } from './support.js';

const ISSUER = 'https://id.example.test/';
const AUDIENCE = 'songs-api';
const KID = 'test-key-1';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let signingKey: SigningKey;
let otherKey: SigningKey;
/** Keys of the other asymmetric algorithms a provider may use, by algorithm; each kid is its algorithm. */
const keysByAlg = new Map<string, SigningKey>();
const OTHER_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES384', 'ES512', 'EdDSA'];
let jwks: Server;
/** The provider's key set, as its JWKS URL serves it. */
let jwksBody: string;
let server: TestServer;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair('ES256')).privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'ES256', use: 'sig' };
  const otherJwks = [];
  for (const alg of OTHER_ALGORITHMS) {
    const other = await generateKeyPair(alg);
    keysByAlg.set(alg, other.privateKey);
    otherJwks.push({ ...(await exportJWK(other.publicKey)), kid: alg, alg, use: 'sig' });
  }
  jwksBody = JSON.stringify({ keys: [publicJwk, ...otherJwks] });
  jwks = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(jwksBody);
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const { port } = jwks.address() as AddressInfo;
  server = await startTestServer({
    env: {
      AUTH_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
    },
  });
});
afterAll(async () => {
  await server?.[Symbol.asyncDispose]();
  await new Promise((resolve) => jwks?.close(resolve));
});

/** A token as the provider would issue it, with `claims` replacing its defaults. */
function token(claims: JWTPayload = {}, options: { key?: SigningKey; expiresIn?: string | number } = {}) {
  return new SignJWT({
    sub: 'user-42',
    iss: ISSUER,
    aud: AUDIENCE,
    scope: 'songs:read songs:write',
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256', kid: KID })
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '10m')
    .sign(options.key ?? signingKey);
}

const create = async (jwt: string) => postCall(server.url, 'song.create', songInput(), jwt);

describe('a Bearer JWT', () => {
  it('with songs:write in its scope claim may write', async () => {
    const response = await create(await token());
    expect(response.status).toBe(200);
  });

  it.each<[string, () => Promise<string>]>([
    ['a signature by another key', () => token({}, { key: otherKey })],
    ['another issuer', () => token({ iss: 'https://evil.example.test/' })],
    ['another audience', () => token({ aud: 'some-other-api' })],
    ['an expiry an hour ago', () => token({}, { expiresIn: Math.floor(Date.now() / 1000) - 3600 })],
    ['no subject claim', () => token({ sub: undefined })],
    [
      'no expiry claim',
      () =>
        new SignJWT({ sub: 'user-42', iss: ISSUER, aud: AUDIENCE, scope: 'songs:write' })
          .setProtectedHeader({ alg: 'ES256', kid: KID })
          .sign(signingKey),
    ],
    [
      'its payload altered after signing',
      async () => {
        const [header, , signature] = (await token()).split('.');
        const payload = Buffer.from(
          JSON.stringify({ sub: 'admin', scope: 'songs:write', iss: ISSUER, aud: AUDIENCE, exp: 4e9 }),
        ).toString('base64url');
        return `${header}.${payload}.${signature}`;
      },
    ],
    [
      'alg "none"',
      async () => {
        const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
        return `${encode({ alg: 'none' })}.${encode({ sub: 'x', scope: 'songs:write', iss: ISSUER, aud: AUDIENCE, exp: 4e9 })}.`;
      },
    ],
  ])('with %s is UNAUTHORIZED (401) and writes nothing', async (_, make) => {
    const before = await server.database.prisma.song.count();
    const response = await create(await make());
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await trpcError(response)).toMatchObject({
      code: 'UNAUTHORIZED',
      message: 'Invalid or expired credential',
    });
    expect(await server.database.prisma.song.count()).toBe(before);
  });

  it('without songs:write in its scope claim is FORBIDDEN (403)', async () => {
    const response = await create(await token({ scope: 'songs:read profile' }));
    expect(response.status).toBe(403);
    expect(await trpcError(response)).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('with its scope claim as an array (as some providers send it) may write', async () => {
    const response = await create(await token({ scope: ['songs:read', 'songs:write'] }));
    expect(response.status).toBe(200);
  });

  it.each(OTHER_ALGORITHMS)('signed with %s by a key of the JWKS may write', async (alg) => {
    const jwt = await new SignJWT({ sub: 'user-42', iss: ISSUER, aud: AUDIENCE, scope: 'songs:write' })
      .setProtectedHeader({ alg, kid: alg })
      .setExpirationTime('10m')
      .sign(keysByAlg.get(alg) as SigningKey);
    const response = await create(jwt);
    expect(response.status).toBe(200);
  });

  it('with no scope claim may still read (reads are public)', async () => {
    const response = await getCall(server.url, 'song.list', {}, await token({ scope: undefined }));
    expect(response.status).toBe(200);
  });
});

describe('with AUTH_JWT_SECRET (HS256)', () => {
  const secret = 'a-shared-secret-of-at-least-32-characters';
  const verify = createJwtVerifier({ AUTH_JWT_SECRET: secret, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE });
  const hs256 = (key: string, claims: JWTPayload = { scope: 'songs:write' }) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('service-7')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(key));

  it('accepts a token signed with the secret, with its subject and scopes', async () => {
    const { auth } = await (verify as NonNullable<typeof verify>)(await hs256(secret));
    expect(auth).toEqual({ subject: 'service-7', scopes: ['songs:write'], via: 'jwt' });
  });

  it('rejects one signed with another secret as UNAUTHORIZED', async () => {
    const other = await hs256('another-secret-of-at-least-32-characters!');
    await expect((verify as NonNullable<typeof verify>)(other)).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });
});

describe('the verifier (createJwtVerifier)', () => {
  const secret = 'a-shared-secret-of-at-least-32-characters';
  const settings = { AUTH_JWT_SECRET: secret, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE };
  const verify = createJwtVerifier(settings) as NonNullable<ReturnType<typeof createJwtVerifier>>;
  const signed = (claims: JWTPayload) =>
    new SignJWT({ sub: 'service-7', iss: ISSUER, aud: AUDIENCE, ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(secret));

  it.each<[string, JWTPayload['scope'], string[]]>([
    ['space-separated, with stray spaces', ' songs:read  songs:write ', ['songs:read', 'songs:write']],
    ['an array, keeping only its strings', ['songs:read', 42, 'songs:write'], ['songs:read', 'songs:write']],
    ['absent', undefined, []],
    ['neither a string nor an array', 42, []],
  ])('reads the scope claim %s', async (_, scope, scopes) => {
    const { auth } = await verify(await signed({ scope }));
    expect(auth.scopes).toEqual(scopes);
  });

  it('gives the expiry in milliseconds since the epoch (exp is in seconds)', async () => {
    const exp = Math.floor(Date.now() / 1000) + 300;
    expect((await verify(await signed({ exp }))).expiresAt).toBe(exp * 1000);
  });

  it.each<[string, Parameters<typeof createJwtVerifier>[0]]>([
    ['no issuer', { AUTH_JWT_SECRET: secret, AUTH_AUDIENCE: AUDIENCE }],
    ['no audience', { AUTH_JWT_SECRET: secret, AUTH_ISSUER: ISSUER }],
    ['neither a JWKS URL nor a secret', { AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE }],
  ])('is null (JWTs not accepted) with %s', (_, config) => {
    expect(createJwtVerifier(config)).toBeNull();
  });

  it('tells a JWT by its shape: exactly three dot-separated base64url parts', () => {
    expect(looksLikeJwt('eyJh.eyJz.c2ln')).toBe(true);
    expect(looksLikeJwt('eyJh.eyJz.')).toBe(true);
    expect(looksLikeJwt('eyJh.eyJz.c2ln.extra')).toBe(false);
    expect(looksLikeJwt('extra.eyJh.eyJz.c2ln')).toBe(false);
  });
});

describe('when the provider’s key set cannot be had', () => {
  /** A JWKS "provider" that answers every request with `answer`; its URL. */
  async function provider(answer: (res: ServerResponse) => void) {
    const http = createServer((_req, res) => answer(res));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const { port } = http.address() as AddressInfo;
    const close = () => {
      http.closeAllConnections();
      return new Promise((resolve) => http.close(resolve));
    };
    return { url: `http://127.0.0.1:${port}/jwks.json`, close };
  }
  const verifierFor = (url: string) =>
    createJwtVerifier({ AUTH_JWKS_URL: url, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE }) as NonNullable<
      ReturnType<typeof createJwtVerifier>
    >;

  /** Verifying a good token is SERVICE_UNAVAILABLE (not the caller's fault), and the log says why. */
  async function expectProviderDown(url: string) {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await expect(verifierFor(url)(await token())).rejects.toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        message: 'Credentials cannot be checked right now',
      });
      expect(logged).toHaveBeenCalledWith(
        'JWT verification: the identity provider’s key set is unavailable:',
        expect.anything(),
      );
    } finally {
      logged.mockRestore();
    }
  }

  it('is SERVICE_UNAVAILABLE, logged, when nothing listens at AUTH_JWKS_URL', async () => {
    const gone = await provider(() => {});
    await gone.close();
    await expectProviderDown(gone.url);
  });

  it('answers the caller 503 SERVICE_UNAVAILABLE, not 401, when nothing listens at AUTH_JWKS_URL', async () => {
    const gone = await provider(() => {});
    await gone.close();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await using down = await startTestServer({
        env: { AUTH_JWKS_URL: gone.url, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE },
      });
      const response = await postCall(down.url, 'song.create', songInput(), await token());
      expect(response.status).toBe(503);
      expect(await trpcError(response)).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(await down.database.prisma.song.count()).toBe(0);
    } finally {
      logged.mockRestore();
    }
  });

  it.each<[string, number, string]>([
    ['JSON that is no key set', 200, JSON.stringify({ keys: 'none' })],
    ['text that is not JSON', 200, '<html>maintenance</html>'],
    ['a server error', 500, '{}'],
    ['not found', 404, '{}'],
  ])('is SERVICE_UNAVAILABLE, logged, when the JWKS URL answers %s', async (_, status, body) => {
    const broken = await provider((res) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body);
    });
    try {
      await expectProviderDown(broken.url);
    } finally {
      await broken.close();
    }
  });

  it('is SERVICE_UNAVAILABLE, logged, when the JWKS URL takes more than 3 s to answer', async () => {
    // It would answer with the right key after 4 s: too late, the verifier gives up at 3 s.
    const slow = await provider((res) => {
      const timer = setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(jwksBody);
      }, 4000);
      res.on('close', () => clearTimeout(timer));
    });
    try {
      await expectProviderDown(slow.url);
    } finally {
      await slow.close();
    }
  });
});
