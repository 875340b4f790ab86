/** The write key a fresh clone's first `npm start` makes, so that a newcomer can write at once. */
import type { PrismaClient } from '../generated/prisma/client.js';
import { createApiKey } from './api-keys.js';

/** Creates the key and returns the lines to print (the only time the key is ever shown). */
export async function createFirstStartKey(prisma: PrismaClient, url: string): Promise<string> {
  const { key } = await createApiKey(prisma, { name: 'first-start', scopes: ['songs:write'] });
  const input = JSON.stringify({ name: 'My Song', artist: 'Me', streams: 0, releasedOn: '2024-01-01' });
  return [
    'First start: created an API key with songs:write. It is shown only now; keep it:',
    '',
    `  ${key}`,
    '',
    'Write with it:',
    `  curl -X POST ${url}/trpc/song.create -H 'content-type: application/json' \\`,
    `    -H 'authorization: Bearer ${key}' -d '{"json":${input}}'`,
    'More keys: npm run keys -- create --name NAME (docs/access.md)',
  ].join('\n');
}
