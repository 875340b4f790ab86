/**
 * What the rate limits cover: the API (/trpc and /v1), not the health checks a load balancer or an
 * orchestrator polls (rate-limit.test.ts has the budgets themselves).
 */
import { expect, it } from 'vitest';
import { startTestServer } from '../support/http.js';

it('never answers /healthz or /readyz with 429, however often they are polled', async () => {
  await using server = await startTestServer({ env: { RATE_LIMIT_READ: '1' } });
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) {
    for (const path of ['/healthz', '/readyz']) statuses.push((await fetch(`${server.url}${path}`)).status);
  }
  expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
  // The API itself is limited on the same server.
  const api = [await fetch(`${server.url}/v1/songs`), await fetch(`${server.url}/v1/songs`)];
  expect(api.map((response) => response.status)).toEqual([200, 429]);
});
