/**
 * API keys: `npm run keys` (through runKeysCommand, on this file's database), what is stored, and
 * how the server checks a key: cached briefly, so revocation takes CREDENTIAL_CACHE_SECONDS.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { hashApiKey } from '../../src/access/api-keys.js';
import { CREDENTIAL_CACHE_SECONDS, createAuthenticator } from '../../src/access/credentials.js';
import { runKeysCommand } from '../../src/access/keys-command.js';
import { useTestDatabase } from '../support/test-database.js';

const db = useTestDatabase();
// The shared reset empties songs only; each test here starts with no keys too.
beforeEach(() => db.database.script('DELETE FROM api_keys'));
const keys = (...argv: string[]) => runKeysCommand(db.prisma, argv);

async function createKey(...argv: string[]) {
  const result = await keys('create', '--json', ...argv);
  expect(result).toMatchObject({ exitCode: 0, stderr: '' });
  return JSON.parse(result.stdout) as {
    id: string;
    name: string;
    key: string;
    scopes: string[];
    expiresAt: string | null;
  };
}

describe('keys create', () => {
  it('prints one JSON object with the key: prefix and 43 base62 characters (256 bits)', async () => {
    const created = await createKey('--name', 'ci');
    expect(Object.keys(created).sort()).toEqual(['expiresAt', 'id', 'key', 'name', 'scopes']);
    expect(created.key).toMatch(/^songs_[0-9A-Za-z]{43}$/);
    expect(created).toMatchObject({ name: 'ci', scopes: ['songs:write'], expiresAt: null });
  });

  it('stores only the SHA-256 of the key, never the key', async () => {
    const { key } = await createKey('--name', 'ci');
    const [row] = await db.database.script<Record<string, unknown>>('SELECT * FROM api_keys');
    expect(row?.key_hash).toBe(hashApiKey(key));
    expect(JSON.stringify(row)).not.toContain(key.slice('songs_'.length));
  });

  it('takes scopes and an expiry', async () => {
    const before = Date.now();
    const created = await createKey(
      '--name',
      'r',
      '--scope',
      'songs:read',
      '--scope',
      'songs:write',
      '--expires',
      '90d',
    );
    expect(created.scopes).toEqual(['songs:read', 'songs:write']);
    const expires = Date.parse(created.expiresAt as string) - before;
    expect(expires).toBeGreaterThanOrEqual(90 * 86_400_000);
    expect(expires).toBeLessThan(90 * 86_400_000 + 60_000);
  });

  it.each([
    [['create'], /--name/],
    [['create', '--name', 'x', '--scope', 'songs:admin'], /--scope songs:admin/],
    [['create', '--name', 'x', '--expires', 'soon'], /--expires soon/],
    [['create', '--name', 'x', '--expires', '0d'], /--expires 0d/],
    [['create', '--name', 'x', '--expires', 'x1d'], /--expires x1d/],
    [['create', '--name', 'x', '--expires', '1dx'], /--expires 1dx/],
    [['create', '--name', 'x', '--colour', 'red'], /--colour/],
    [['rotate'], /Unknown command "rotate"/],
  ])('rejects %j with exit code 2, naming what is wrong, and creates nothing', async (argv, message) => {
    const result = await keys(...argv);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(await db.prisma.apiKey.count()).toBe(0);
  });
});

describe('keys list and revoke', () => {
  it('lists every key without its secret', async () => {
    const { key } = await createKey('--name', 'a');
    await createKey('--name', 'b');
    const result = await keys('list', '--json');
    const listed = JSON.parse(result.stdout) as { keys: { name: string }[] };
    expect(listed.keys.map((k) => k.name)).toEqual(['a', 'b']);
    expect(result.stdout).not.toContain(key);
    expect(result.stdout).not.toContain(hashApiKey(key));
  });

  it('revokes by name (every live key so named) and by id', async () => {
    const a = await createKey('--name', 'a');
    const b = await createKey('--name', 'b');
    expect(JSON.parse((await keys('revoke', 'a', '--json')).stdout).revoked).toHaveLength(1);
    expect(JSON.parse((await keys('revoke', b.id, '--json')).stdout).revoked).toMatchObject([{ id: b.id }]);
    const rows = await db.prisma.apiKey.findMany({ where: { id: { in: [a.id, b.id] } } });
    expect(rows.every((row) => row.revokedAt !== null)).toBe(true);
  });

  it('lists keys oldest first, whatever order the rows are stored in', async () => {
    const a = await createKey('--name', 'a');
    const b = await createKey('--name', 'b');
    // b's row is rewritten (PostgreSQL stores the new version after a's), and made the older.
    await db.prisma.apiKey.update({
      where: { id: b.id },
      data: { createdAt: new Date(Date.now() - 60_000) },
    });
    const listed = JSON.parse((await keys('list', '--json')).stdout) as { keys: { id: string }[] };
    expect(listed.keys.map((k) => k.id)).toEqual([b.id, a.id]);
  });

  it('revokes only the key with the id given, leaving the others live', async () => {
    const a = await createKey('--name', 'a');
    const b = await createKey('--name', 'b');
    expect(JSON.parse((await keys('revoke', a.id, '--json')).stdout).revoked).toMatchObject([{ id: a.id }]);
    expect((await db.prisma.apiKey.findUniqueOrThrow({ where: { id: b.id } })).revokedAt).toBeNull();
  });

  it('takes text around an id for a name, not for that id', async () => {
    const { id } = await createKey('--name', 'a');
    for (const nameOrId of [`x${id}`, `${id}x`]) {
      expect(await keys('revoke', nameOrId)).toMatchObject({ exitCode: 1 });
    }
    expect((await db.prisma.apiKey.findUniqueOrThrow({ where: { id } })).revokedAt).toBeNull();
  });

  it('says so, with exit code 1, when nothing matches', async () => {
    const result = await keys('revoke', 'nobody');
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/No active API key .*"nobody"/);
  });
});

describe('checking a key on the server', () => {
  const bearer = (key: string) => `Bearer ${key}`;

  it('gives the key’s identity and scopes', async () => {
    const { id, key } = await createKey('--name', 'r', '--scope', 'songs:read');
    const authenticate = createAuthenticator(db.prisma, null);
    await expect(authenticate(bearer(key))).resolves.toEqual({
      subject: id,
      scopes: ['songs:read'],
      via: 'api-key',
    });
  });

  it('answers from its cache within CREDENTIAL_CACHE_SECONDS, so revocation takes that long', async () => {
    let now = Date.now();
    const authenticate = createAuthenticator(db.prisma, null, () => now);
    const { key } = await createKey('--name', 'ci');
    await authenticate(bearer(key));
    await keys('revoke', 'ci');
    now += CREDENTIAL_CACHE_SECONDS * 1000 - 1;
    await expect(authenticate(bearer(key))).resolves.toMatchObject({ via: 'api-key' });
    now += 1;
    await expect(authenticate(bearer(key))).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('costs no query while cached (the row may even be gone)', async () => {
    const authenticate = createAuthenticator(db.prisma, null);
    const { key } = await createKey('--name', 'ci');
    await authenticate(bearer(key));
    await db.database.script('DELETE FROM api_keys');
    await expect(authenticate(bearer(key))).resolves.toMatchObject({ via: 'api-key' });
  });

  it('records the key’s last use, outside the request', async () => {
    const authenticate = createAuthenticator(db.prisma, null);
    const { id, key } = await createKey('--name', 'ci');
    await authenticate(bearer(key));
    await vi.waitFor(async () => {
      expect((await db.prisma.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt).not.toBeNull();
    });
  });

  it('stops accepting a key when it expires, even one cached a moment before', async () => {
    let now = Date.now();
    const authenticate = createAuthenticator(db.prisma, null, () => now);
    const { key } = await createKey('--name', 'short', '--expires', '1m');
    await authenticate(bearer(key));
    now += 60_000 + 1;
    await expect(authenticate(bearer(key))).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
