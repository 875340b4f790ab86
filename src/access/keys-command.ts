/**
 * `npm run keys -- <command>`: create, list and revoke API keys (scripts/keys.ts opens the database
 * and calls this). Every command prints text for people, or one JSON object with `--json`.
 */
import { parseArgs } from 'node:util';
import type { PrismaClient } from '../generated/prisma/client.js';
import {
  type ApiKeyInfo,
  createApiKey,
  expiryFrom,
  listApiKeys,
  revokeApiKey,
  SCOPES,
  type Scope,
} from './api-keys.js';

export const KEYS_USAGE = `Usage:
  npm run keys -- create --name NAME [--scope songs:write] [--expires 90d] [--json]
  npm run keys -- list [--json]
  npm run keys -- revoke NAME|ID [--json]

--scope may be given more than once (songs:read, songs:write; default songs:write).
--expires takes a number and a unit: m (minutes), h, d, w or y (365 days); default: never.`;

export interface CommandResult {
  exitCode: number;
  /** What to print on standard output (the result) or standard error (a usage error). */
  stdout: string;
  stderr: string;
}

const usageError = (message: string): CommandResult => ({
  exitCode: 2,
  stdout: '',
  stderr: `${message}\n\n${KEYS_USAGE}\n`,
});
const printed = (text: string): CommandResult => ({ exitCode: 0, stdout: `${text}\n`, stderr: '' });

const describe = (key: ApiKeyInfo) => {
  const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
  const expires = key.expiresAt ? key.expiresAt.toISOString() : 'never';
  const used = key.lastUsedAt ? key.lastUsedAt.toISOString() : 'never';
  return `${key.id}  ${key.name}  [${key.scopes.join(' ')}]  expires ${expires}  last used ${used}  ${state}`;
};

export async function runKeysCommand(prisma: PrismaClient, argv: readonly string[]): Promise<CommandResult> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    return usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  const json = values.json === true;

  if (command === 'create') {
    if (rest.length > 0) return usageError(`create takes no arguments besides options (got "${rest[0]}")`);
    const name = values.name?.trim();
    if (!name || name.length > 100) return usageError('create needs --name, 1 to 100 characters');
    const scopes = values.scope ?? ['songs:write'];
    const unknown = scopes.find((scope) => !(SCOPES as readonly string[]).includes(scope));
    if (unknown !== undefined) return usageError(`--scope ${unknown} is not one of ${SCOPES.join(', ')}`);
    const expiresAt = values.expires === undefined ? null : expiryFrom(values.expires);
    if (expiresAt === null && values.expires !== undefined) {
      return usageError(`--expires ${values.expires} is not a duration such as 90d, 12h or 1y`);
    }
    const created = await createApiKey(prisma, { name, scopes: scopes as Scope[], expiresAt });
    if (json) {
      const { id, key, scopes: granted } = created;
      return printed(
        JSON.stringify({ id, name: created.name, key, scopes: granted, expiresAt: created.expiresAt }),
      );
    }
    return printed(
      `Created API key "${created.name}" (${created.id}), scopes ${created.scopes.join(' ')}, ` +
        `expires ${created.expiresAt?.toISOString() ?? 'never'}.\n` +
        `It is shown only now; store it as a secret:\n\n  ${created.key}\n\n` +
        `Send it as:  Authorization: Bearer ${created.key}`,
    );
  }

  if (command === 'list') {
    if (rest.length > 0) return usageError(`list takes no arguments (got "${rest[0]}")`);
    const keys = await listApiKeys(prisma);
    if (json) return printed(JSON.stringify({ keys }));
    return printed(keys.length === 0 ? 'No API keys.' : keys.map(describe).join('\n'));
  }

  if (command === 'revoke') {
    const [target, ...extra] = rest;
    if (target === undefined || extra.length > 0) return usageError('revoke needs exactly one NAME or ID');
    const revoked = await revokeApiKey(prisma, target);
    if (json) return { ...printed(JSON.stringify({ revoked })), exitCode: revoked.length > 0 ? 0 : 1 };
    if (revoked.length === 0) {
      return { exitCode: 1, stdout: '', stderr: `No active API key is named or has the id "${target}".\n` };
    }
    return printed(`Revoked:\n${revoked.map(describe).join('\n')}`);
  }

  return usageError(command === undefined ? 'No command given' : `Unknown command "${command}"`);
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      name: { type: 'string' },
      scope: { type: 'string', multiple: true },
      expires: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
}
