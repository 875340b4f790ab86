/**
 * JWTs from an identity provider: the test is the provider. It makes a key pair, serves the public
 * half as a JWKS on a local port, and signs tokens; the server verifies them with AUTH_JWKS_URL.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJwtVerifier } from '../../src/access/jwt.js';
import { songInput } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { getCall, postCall, trpcError } from './support.js';

const ISSUER = 'https://id.example.test/';
const AUDIENCE = 'songs-api';
const KID = 'test-key-1';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let signingKey: SigningKey;
let otherKey: SigningKey;
let jwks: Server;
let server: TestServer;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair('ES256')).privateKey;
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'ES256', use: 'sig' };
  jwks = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [publicJwk] }));
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

  it('with no scope claim may still read (reads are public)', async () => {
    const response = await getCall(server.url, 'song.list', {}, await token({ scope: undefined }));
    expect(response.status).toBe(200);
  });
});

describe('with AUTH_JWT_SECRET (HS256)', () => {
  const secret = 'a-shared-secret-of-at-least-32-characters';
  const verify = createJwtVerifier({ AUTH_JWT_SECRET: secret, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE });
  const hs256 = (key: string) =>
    new SignJWT({ scope: 'songs:write' })
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
