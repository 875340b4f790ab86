/**
 * Who may call what (CONTRACT.md "Access"), over real HTTP: writes need songs:write; reads are
 * public unless READ_ACCESS=token; every rejected credential looks the same to the caller.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/api-keys.js';
import { createCaller } from '../../src/router.js';
import { expectTRPCError } from '../support/errors.js';
import { songInput } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { useTestDatabase } from '../support/test-database.js';
import { getCall, MISSING_ID, postCall, trpcError, WRITES, type WriteProcedure } from './support.js';

const WRITE_PROCEDURES = Object.keys(WRITES) as WriteProcedure[];
const HOUR = 3_600_000;

describe('over HTTP, with reads public (the default)', () => {
  let server: TestServer;
  const keys = { reader: '', revoked: '', expired: '' };
  beforeAll(async () => {
    server = await startTestServer();
    const { prisma } = server.database;
    keys.reader = (await createApiKey(prisma, { name: 'reader', scopes: ['songs:read'] })).key;
    keys.expired = (
      await createApiKey(prisma, {
        name: 'old',
        scopes: ['songs:write'],
        expiresAt: new Date(Date.now() - HOUR),
      })
    ).key;
    const revoked = await createApiKey(prisma, { name: 'gone', scopes: ['songs:write'] });
    await prisma.apiKey.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
    keys.revoked = revoked.key;
  });
  afterAll(() => server?.[Symbol.asyncDispose]());

  const songCount = () => server.database.prisma.song.count();

  it.each(WRITE_PROCEDURES)(
    '%s without a credential is UNAUTHORIZED (401, WWW-Authenticate: Bearer)',
    async (procedure) => {
      const response = await postCall(server.url, procedure, WRITES[procedure]());
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await trpcError(response)).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
      expect(await songCount()).toBe(0);
    },
  );

  it.each([
    ['an unknown key', () => `songs_${'A'.repeat(43)}`],
    ['a revoked key', () => keys.revoked],
    ['an expired key', () => keys.expired],
    ['a token of no known kind', () => 'not-a-key'],
  ])('every write with %s is UNAUTHORIZED, with the same message', async (_, token) => {
    const messages = new Set<string>();
    for (const procedure of WRITE_PROCEDURES) {
      const response = await postCall(server.url, procedure, WRITES[procedure](), token());
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      messages.add((await trpcError(response)).message);
    }
    expect([...messages]).toEqual(['Invalid or expired credential']);
    expect(await songCount()).toBe(0);
  });

  it('rejects an Authorization header that is not a Bearer token (401)', async () => {
    const response = await postCall(server.url, 'song.create', songInput(), undefined, {
      authorization: `Basic ${Buffer.from('a:b').toString('base64')}`,
    });
    expect(response.status).toBe(401);
  });

  it.each(WRITE_PROCEDURES)('%s with a key that lacks songs:write is FORBIDDEN (403)', async (procedure) => {
    const response = await postCall(server.url, procedure, WRITES[procedure](), keys.reader);
    expect(response.status).toBe(403);
    expect(await trpcError(response)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await songCount()).toBe(0);
  });

  it('lets a songs:write key create, update and delete', async () => {
    const created = await server.writer.song.create.mutate(songInput());
    await server.writer.song.update.mutate({ id: created.id, data: { streams: 3 } });
    await server.writer.song.delete.mutate({ id: created.id });
    expect(await songCount()).toBe(0);
  });

  it('serves reads to anonymous callers', async () => {
    expect((await getCall(server.url, 'song.list', {})).status).toBe(200);
  });

  it('rejects a read that sends an invalid credential (401) rather than serving it anonymously', async () => {
    const response = await getCall(server.url, 'song.list', {}, keys.revoked);
    expect(response.status).toBe(401);
  });

  it('sends no WWW-Authenticate with a successful answer', async () => {
    const response = await getCall(server.url, 'song.list', {});
    expect(response.status).toBe(200);
    expect(response.headers.get('www-authenticate')).toBeNull();
  });

  it('sends no WWW-Authenticate with an error other than UNAUTHORIZED (a 404)', async () => {
    const response = await getCall(server.url, 'song.byId', { id: MISSING_ID });
    expect(response.status).toBe(404);
    expect(response.headers.get('www-authenticate')).toBeNull();
  });
});

describe('over HTTP, with READ_ACCESS=token', () => {
  let server: TestServer;
  let reader = '';
  beforeAll(async () => {
    server = await startTestServer({ env: { READ_ACCESS: 'token' } });
    reader = (await createApiKey(server.database.prisma, { name: 'reader', scopes: ['songs:read'] })).key;
  });
  afterAll(() => server?.[Symbol.asyncDispose]());

  it.each(['song.list', 'song.infinite'])(
    '%s without a credential is UNAUTHORIZED (401)',
    async (procedure) => {
      const response = await getCall(server.url, procedure, {});
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
    },
  );

  it('serves a songs:read key and a songs:write key', async () => {
    expect((await getCall(server.url, 'song.list', {}, reader)).status).toBe(200);
    expect((await getCall(server.url, 'song.list', {}, server.writerKey)).status).toBe(200);
  });

  it('still needs songs:write for writes: a songs:read key is FORBIDDEN', async () => {
    expect((await postCall(server.url, 'song.create', songInput(), reader)).status).toBe(403);
  });
});

describe('through createCaller', () => {
  const db = useTestDatabase();

  it('rejects an anonymous write as UNAUTHORIZED before reading its input', async () => {
    // An empty patch would be BAD_REQUEST for a writer; an anonymous caller learns nothing of it.
    await expectTRPCError(db.anonymous.song.update({ id: 'x', data: {} }), 'UNAUTHORIZED');
  });

  it('rejects an anonymous read only when the context says READ_ACCESS=token', async () => {
    await expect(db.anonymous.song.list({})).resolves.toMatchObject({ total: 0 });
    const tokenOnly = createCaller({ prisma: db.prisma, auth: null, readAccess: 'token' });
    await expectTRPCError(tokenOnly.song.list({}), 'UNAUTHORIZED');
    const noScopes = createCaller({
      prisma: db.prisma,
      auth: { subject: 's', scopes: [], via: 'jwt' },
      readAccess: 'token',
    });
    await expectTRPCError(noScopes.song.list({}), 'FORBIDDEN');
  });
});
