/**
 * Every command takes DATABASE_URL from `.env` in its working directory (through loadConfig):
 * with `.env` naming an unusable URL each one refuses it by name. A command that ignored `.env`
 * would go on with the default database and succeed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
// By path: the working directory is a temporary one, where `--import tsx` would not resolve.
const TSX = pathToFileURL(path.join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

const COMMANDS: [name: string, argv: string[]][] = [
  ['npm run import', ['scripts/import.ts', 'songs.csv']],
  ['npm run db:seed', ['scripts/seed.ts']],
  ['npm run db:migrate', ['scripts/migrate.ts']],
  ['npm start (the server)', ['src/main.ts']],
];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'songs-dotenv-'));
  await writeFile(path.join(dir, '.env'), 'DATABASE_URL=bogus://x\n');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it.concurrent.each(COMMANDS)('%s reads DATABASE_URL from .env', async (_name, [script, ...args]) => {
  const { DATABASE_URL: _unset, ...env } = process.env;
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', TSX, path.join(ROOT, script as string), ...args],
      { cwd: dir, env, timeout: 60_000 },
      (error, _stdout, stderr) => resolve({ code: error ? (error.code as number | null) : 0, stderr }),
    );
  });
  expect(stderr).toMatch(
    /DATABASE_URL must be postgres:\/\/…, postgresql:\/\/…, pglite:<dir> or pglite:memory/,
  );
  expect(code).not.toBe(0);
});
