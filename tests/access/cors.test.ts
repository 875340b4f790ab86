/**
 * Browsers: CORS only for the origins in CORS_ORIGINS (same origin only by default), the response
 * headers a frontend may read, an answer that varies by Origin exactly when CORS_ORIGINS is set (on
 * the REST routes too, where tRPC adds no Vary of its own), and helmet's security headers on every
 * response.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORS_ALLOWED_HEADERS } from '../../src/access/browser.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { getCall } from './support.js';

const ALLOWED = 'https://app.example.test';
const REFUSED = 'https://evil.example.test';

const preflight = (server: TestServer, origin: string) =>
  fetch(`${server.url}/trpc/song.create`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,authorization,trpc-accept,x-trpc-source,x-request-id',
    },
  });

const varyOf = (response: Response) => response.headers.get('vary')?.split(/,\s*/) ?? [];

const corsHeaders = (response: Response) =>
  [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));

describe('with CORS_ORIGINS set', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { CORS_ORIGINS: `${ALLOWED}, http://localhost:5173` } });
  });
  afterAll(() => server?.[Symbol.asyncDispose]());

  it('answers a preflight from an allowed origin with 204, the methods and the headers tRPC sends', async () => {
    const response = await preflight(server, ALLOWED);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-allow-methods')?.split(',')).toEqual(['GET', 'POST']);
    expect(response.headers.get('access-control-allow-headers')?.split(',')).toEqual(CORS_ALLOWED_HEADERS);
    expect(CORS_ALLOWED_HEADERS).toEqual([
      'content-type',
      'authorization',
      'trpc-accept',
      'x-trpc-source',
      'x-request-id',
    ]);
  });

  it('gives a preflight from another origin no CORS headers, and no 5xx', async () => {
    const response = await preflight(server, REFUSED);
    expect(corsHeaders(response)).toEqual([]);
    expect(response.status).toBeLessThan(500);
  });

  it('lets an allowed origin read a response, Retry-After and every RateLimit-* header', async () => {
    const response = await getCall(server.url, 'song.list', {}, undefined, { origin: ALLOWED });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(response.headers.get('access-control-expose-headers')?.split(',')).toEqual([
      'Retry-After',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'RateLimit-Policy',
    ]);
  });

  it('gives an actual request from another origin no CORS headers', async () => {
    const response = await getCall(server.url, 'song.list', {}, undefined, { origin: REFUSED });
    expect(corsHeaders(response)).toEqual([]);
  });

  // A shared cache must not give one origin's answer (with or without CORS headers) to another.
  it.each([
    ['an allowed', ALLOWED],
    ['another', REFUSED],
  ])('marks the answer to %s origin as varying by Origin, beside tRPC’s own Vary', async (_, origin) => {
    const response = await getCall(server.url, 'song.list', {}, undefined, { origin });
    const vary = varyOf(response);
    expect(vary).toContain('Origin');
    expect(vary).toContain('trpc-accept');
  });

  it('marks a REST answer to another origin as varying by Origin', async () => {
    const response = await fetch(`${server.url}/v1/songs`, { headers: { origin: REFUSED } });
    expect(response.status).toBe(200);
    expect(varyOf(response)).toContain('Origin');
  });
});

describe('by default (CORS_ORIGINS unset)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.[Symbol.asyncDispose]());

  it('allows no other origin: no CORS headers on a preflight or a request', async () => {
    expect(corsHeaders(await preflight(server, ALLOWED))).toEqual([]);
    expect(corsHeaders(await getCall(server.url, 'song.list', {}, undefined, { origin: ALLOWED }))).toEqual(
      [],
    );
  });

  it('sends helmet’s security headers', async () => {
    const response = await getCall(server.url, 'song.list', {});
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    // Pages served over plain HTTP must keep loading their own scripts.
    expect(response.headers.get('content-security-policy')).not.toMatch(/upgrade-insecure-requests/);
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=/);
  });

  it('does not mark an answer as varying by Origin', async () => {
    const rest = await fetch(`${server.url}/v1/songs`, { headers: { origin: REFUSED } });
    const trpc = await getCall(server.url, 'song.list', {}, undefined, { origin: REFUSED });
    expect(varyOf(rest)).not.toContain('Origin');
    expect(varyOf(trpc)).not.toContain('Origin');
  });
});
