#!/usr/bin/env node
/**
 * Compiles src/ to JavaScript (`npm run build`; `npm start` runs it first, as its prestart), so
 * that the server runs on plain `node` instead of transforming TypeScript at every start through
 * tsx, whose loader thread alone holds tens of MB (docs/performance.md, "HTTP hot path").
 *
 * Each file is transformed on its own, not bundled, into dist/ at the same depth as in src/, so that
 * paths relative to a module (web/dist, prisma/migrations) resolve from dist/ as they do from src/.
 * esbuild strips the types without checking them: `npm run typecheck` checks them.
 *
 *   node scripts/build-server.mjs [OUTDIR]    # default dist/
 */
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const src = path.join(root, 'src');
const outdir = path.resolve(root, process.argv[2] ?? 'dist');

const entries = await readdir(src, { withFileTypes: true, recursive: true });
const entryPoints = entries
  .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
  .map((entry) => path.join(entry.parentPath, entry.name));

// Files of a previous build whose source is gone must not be loaded by mistake.
await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints,
  outdir,
  outbase: src,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Stack traces in logs name the .ts line (node runs with --enable-source-maps).
  sourcemap: 'linked',
  logLevel: 'error',
});
