/**
 * The stack as compiled JavaScript, for measuring what `npm start`'s `node --import tsx` costs:
 * every file of src/ transformed by esbuild (no bundling, so paths such as the migrations folder
 * resolve as they do from src/) into a scratch folder beside links to prisma/ and node_modules/.
 */
import { readdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { type BenchServer, ROOT, SCRATCH, startChild } from './http-servers.js';

export const COMPILED_DIR = path.join(SCRATCH, 'compiled');

async function typescriptFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** Compiles src/ into COMPILED_DIR/src; returns the milliseconds the build took. */
export async function compileStack(): Promise<number> {
  const started = performance.now();
  await rm(COMPILED_DIR, { recursive: true, force: true });
  await build({
    entryPoints: await typescriptFiles(path.join(ROOT, 'src')),
    outdir: path.join(COMPILED_DIR, 'src'),
    outbase: path.join(ROOT, 'src'),
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
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
