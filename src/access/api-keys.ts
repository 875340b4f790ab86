/**
 * API keys: `songs_` followed by 32 random bytes in base62. The key is shown once when it is made;
 * the database keeps only its SHA-256, so a leaked table or backup grants nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.js';

/** Tells a key from a JWT at a glance, and lets secret scanners recognise a leaked one. */
export const API_KEY_PREFIX = 'songs_';
const KEY_BYTES = 32;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 62^43 > 2^256: every 32-byte value fits in 43 base62 digits. */
const KEY_DIGITS = 43;

export const SCOPES = ['songs:read', 'songs:write'] as const;
export type Scope = (typeof SCOPES)[number];

export interface ApiKeyInfo {
  id: string;
  name: string;
  scopes: Scope[];
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface CreatedApiKey extends ApiKeyInfo {
  /** The key itself: it exists only in this object and is never stored. */
  key: string;
}

function base62(bytes: Buffer): string {
  let value = BigInt(`0x${bytes.toString('hex')}`);
  let digits = '';
  while (value > 0n) {
    digits = BASE62[Number(value % 62n)] + digits;
    value /= 62n;
  }
  return digits.padStart(KEY_DIGITS, '0');
}

export function generateApiKey(): string {
  return API_KEY_PREFIX + base62(randomBytes(KEY_BYTES));
}

/** The stored form of a key: SHA-256, hex (64 characters). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex'); // a string is hashed as UTF-8
}

/** Whether `token` has the shape of a key this service makes (prefix and 43 base62 digits). */
export function looksLikeApiKey(token: string): boolean {
  return token.length === API_KEY_PREFIX.length + KEY_DIGITS && token.startsWith(API_KEY_PREFIX);
}

export const parseScopes = (stored: string): Scope[] =>
  stored.split(' ').filter((scope): scope is Scope => (SCOPES as readonly string[]).includes(scope));

const infoSelect = {
  id: true,
  name: true,
  scopes: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
} as const;

type StoredKey = { scopes: string } & Omit<ApiKeyInfo, 'scopes'>;
const toInfo = (row: StoredKey): ApiKeyInfo => ({ ...row, scopes: parseScopes(row.scopes) });

export async function createApiKey(
  prisma: PrismaClient,
  options: { name: string; scopes: readonly Scope[]; expiresAt?: Date | null },
): Promise<CreatedApiKey> {
  const key = generateApiKey();
  const row = await prisma.apiKey.create({
    data: {
      name: options.name,
      keyHash: hashApiKey(key),
      scopes: [...new Set(options.scopes)].join(' '),
      expiresAt: options.expiresAt ?? null,
    },
    select: infoSelect,
  });
  return { ...toInfo(row), key };
}

export async function listApiKeys(prisma: PrismaClient): Promise<ApiKeyInfo[]> {
  const rows = await prisma.apiKey.findMany({ orderBy: { createdAt: 'asc' }, select: infoSelect });
  return rows.map(toInfo);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Revokes the key with this id, or every live key with this name; returns those revoked. */
export async function revokeApiKey(prisma: PrismaClient, nameOrId: string): Promise<ApiKeyInfo[]> {
  // Stryker disable ObjectLiteral: equivalent for `{}` in place of either alternative of the OR, Prisma leaves an empty filter out of an OR (checked: revoking by id still revokes that key alone)
  const where = UUID.test(nameOrId)
    ? { OR: [{ id: nameOrId }, { name: nameOrId }], revokedAt: null }
    : { name: nameOrId, revokedAt: null };
  // Stryker restore ObjectLiteral
  return prisma.$transaction(async (tx) => {
    const targets = await tx.apiKey.findMany({ where, select: { id: true } });
    const ids = targets.map((target) => target.id);
    await tx.apiKey.updateMany({ where: { id: { in: ids } }, data: { revokedAt: new Date() } });
    const rows = await tx.apiKey.findMany({ where: { id: { in: ids } }, select: infoSelect });
    return rows.map(toInfo);
  });
}

const DURATION = /^(\d{1,5})([mhdwy])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 } as const;

/** `90d` → the instant 90 days after `now`; null when `text` is not `<n>m|h|d|w|y` with n ≥ 1. */
export function expiryFrom(text: string, now = new Date()): Date | null {
  const match = DURATION.exec(text);
  if (!match) return null;
  const count = Number(match[1]);
  if (count < 1) return null;
  return new Date(now.getTime() + count * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}
