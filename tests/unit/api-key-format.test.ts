/**
 * The form of an API key and of what is stored for it (src/access/api-keys.ts), for random values
 * a test cannot wait for: the key's 32 random bytes are fixed here.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
// vi.mock below is hoisted above this import, so the module gets the fixed random bytes.
import { generateApiKey, hashApiKey, looksLikeApiKey, parseScopes } from '../../src/access/api-keys.js';

const random = vi.hoisted(() => ({ bytes: null as Buffer | null }));
vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>();
  return { ...crypto, randomBytes: (size: number) => random.bytes ?? crypto.randomBytes(size) };
});

afterEach(() => {
  random.bytes = null;
});

describe('a new API key', () => {
  it.each([
    ['all zero', 0x00, `songs_${'0'.repeat(43)}`],
    ['all ones', 0xff, 'songs_yhjskwdA6OZ1AL1YmHWZWm8LLG7HjnuCA2j5rOw8Xp1'],
  ])('has 43 base62 digits when its random bytes are %s', (_, byte, key) => {
    random.bytes = Buffer.alloc(32, byte);
    expect(generateApiKey()).toBe(key);
    expect(looksLikeApiKey(key)).toBe(true);
  });
});

it('is stored as the hex SHA-256 of the key', () => {
  expect(hashApiKey('songs_abc')).toBe('99ef20b7326768c025f935bc4520bd3739f510fa503ae843b1c570fbddf0f911');
});

it('grants only the scopes this service knows, whatever else is stored', () => {
  expect(parseScopes('songs:read songs:admin  songs:write')).toEqual(['songs:read', 'songs:write']);
});
