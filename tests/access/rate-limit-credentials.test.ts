/**
 * Whose budget a call spends: each credential has its own, whichever client sends it
 * (rate-limit.test.ts has a credential apart from anonymous callers; this is two credentials apart).
 */
import { expect, it } from 'vitest';
import { createApiKey } from '../../src/access/api-keys.js';
import { startTestServer } from '../support/http.js';
import { getCall } from './support.js';

it('gives two API keys two budgets', async () => {
  await using server = await startTestServer({ env: { RATE_LIMIT_READ: '2' } });
  const { key: other } = await createApiKey(server.database.prisma, {
    name: 'other',
    scopes: ['songs:read'],
  });
  const list = (token: string) => getCall(server.url, 'song.list', {}, token).then((r) => r.status);
  expect([await list(server.writerKey), await list(server.writerKey), await list(server.writerKey)]).toEqual([
    200, 200, 429,
  ]);
  expect([await list(other), await list(other)]).toEqual([200, 200]);
});
