/**
 * The stack as compiled JavaScript, built by `npm run build` (scripts/build-server.mjs) into a
 * scratch folder beside links to prisma/ and node_modules/, for the benches that import its
 * modules one by one; and the stack as it ran before that build existed (`node --import tsx`),
 * for measuring what the build buys.
 */
import { execFile } from 'node:child_process';
import { rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { type BenchServer, ROOT, SCRATCH, startChild } from './http-servers.js';

export const COMPILED_DIR = path.join(SCRATCH, 'compiled');

/** Compiles src/ into COMPILED_DIR/src; returns the milliseconds the build took. */
export async function compileStack(): Promise<number> {
  const started = performance.now();
  await rm(COMPILED_DIR, { recursive: true, force: true });
  await promisify(execFile)(process.execPath, ['scripts/build-server.mjs', path.join(COMPILED_DIR, 'src')], {
    cwd: ROOT,
  });
  await symlink(path.join(ROOT, 'prisma'), path.join(COMPILED_DIR, 'prisma'));
  await symlink(path.join(ROOT, 'node_modules'), path.join(COMPILED_DIR, 'node_modules'));
  await writeFile(path.join(COMPILED_DIR, 'package.json'), JSON.stringify({ type: 'module' }));
  return performance.now() - started;
}

/** The compiled stack, started as `npm start` would start it but with `node` on the .js files. */
export function startCompiledStack(env: NodeJS.ProcessEnv): Promise<BenchServer> {
  return startChild('stack (compiled JS)', process.execPath, [path.join(COMPILED_DIR, 'src', 'main.js')], {
    ...env,
    NODE_ENV: 'production',
  });
}

/** The stack through tsx, as `npm start` ran it before it ran the build (`node --import tsx src/main.ts`). */
export function startTsxStack(env: NodeJS.ProcessEnv): Promise<BenchServer> {
  return startChild('stack (tsx)', process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'main.ts')], {
    ...env,
    NODE_ENV: 'production',
  });
}
