/**
 * `WWW-Authenticate: Bearer` goes with a 401 only (rules.test.ts has the 401s that carry it): an
 * answer that is not about the credential does not ask for one.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/http.js';
import { getCall, MISSING_ID } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.[Symbol.asyncDispose]());

it('is not sent with a successful answer', async () => {
  const response = await getCall(server.url, 'song.list', {});
  expect(response.status).toBe(200);
  expect(response.headers.get('www-authenticate')).toBeNull();
});

it('is not sent with an error other than UNAUTHORIZED', async () => {
  const response = await getCall(server.url, 'song.byId', { id: MISSING_ID });
  expect(response.status).toBe(404);
  expect(response.headers.get('www-authenticate')).toBeNull();
});
