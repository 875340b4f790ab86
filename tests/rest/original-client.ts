/**
 * Runs tests/rest/original_client.py (Python httpx, written for the original FastAPI service)
 * against a fresh server holding the 100 acceptance songs; exits with the script's status.
 *
 *   node --import tsx tests/rest/original-client.ts
 *
 * Needs Python 3 with httpx (Debian: `apt-get install python3-httpx`, which installs it for
 * /usr/bin/python3, the default here; set PYTHON to use another interpreter).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createApiKey } from '../../src/access/api-keys.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/index.js';
import { importSongs } from '../../src/import/import-songs.js';
import { serve } from '../../src/server.js';
import { ACCEPTANCE_CSV } from './acceptance-csv.js';

const db = await openDatabase('pglite:memory');
await db.migrate();
const report = await importSongs(db, createReadStream(ACCEPTANCE_CSV));
if (report.imported !== 100) throw new Error(`expected 100 acceptance songs, imported ${report.imported}`);
const { key } = await createApiKey(db.prisma, { name: 'original-client', scopes: ['songs:write'] });
const server = await serve(db, loadConfig({ PORT: '0', DATABASE_URL: 'pglite:memory', LOG_LEVEL: 'silent' }));
let status: number | null = null;
try {
  const script = fileURLToPath(new URL('./original_client.py', import.meta.url));
  // Not spawnSync: the server answers from this process's event loop.
  const python = spawn(process.env.PYTHON ?? '/usr/bin/python3', [script, server.url], {
    stdio: 'inherit',
    env: { ...process.env, SONGS_API_KEY: key },
  });
  [status] = (await once(python, 'exit')) as [number | null];
} finally {
  await server.close();
}
// Set after closing: PGlite's runtime resets the exit code when it shuts down.
process.exitCode = status ?? 1;
