/**
 * The CORS headers beyond who is allowed (cors.test.ts): which response headers a frontend may read,
 * and that an answer varies by Origin exactly when CORS_ORIGINS is set, on every route (the REST
 * routes too, where tRPC adds no Vary of its own).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/http.js';
import { getCall } from './support.js';

const ALLOWED = 'https://app.example.test';
const REFUSED = 'https://evil.example.test';

const varyOf = (response: Response) => response.headers.get('vary')?.split(/,\s*/) ?? [];

describe('with CORS_ORIGINS set', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { CORS_ORIGINS: ALLOWED } });
  });
  afterAll(() => server?.[Symbol.asyncDispose]());

  it('lets an allowed origin read Retry-After and every RateLimit-* header', async () => {
    const response = await getCall(server.url, 'song.list', {}, undefined, { origin: ALLOWED });
    expect(response.headers.get('access-control-expose-headers')?.split(',')).toEqual([
      'Retry-After',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'RateLimit-Policy',
    ]);
  });

  it('marks a REST answer to another origin as varying by Origin', async () => {
    const response = await fetch(`${server.url}/v1/songs`, { headers: { origin: REFUSED } });
    expect(response.status).toBe(200);
    expect(varyOf(response)).toContain('Origin');
  });
});

describe('with CORS_ORIGINS unset', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server?.[Symbol.asyncDispose]());

  it('does not mark an answer as varying by Origin', async () => {
    const rest = await fetch(`${server.url}/v1/songs`, { headers: { origin: REFUSED } });
    const trpc = await getCall(server.url, 'song.list', {}, undefined, { origin: REFUSED });
    expect(varyOf(rest)).not.toContain('Origin');
    expect(varyOf(trpc)).not.toContain('Origin');
  });
});
