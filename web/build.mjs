#!/usr/bin/env node
/**
 * Builds the songs page into web/dist (`npm run build:web`; also run by `npm install`'s
 * postinstall, so `npm start` serves a current page with no extra step): first client/dist, the
 * client package the page imports, then the page with Vite. `--check` also type-checks the page
 * against the built .d.ts.
 *
 * Vite, React and the build tools are dev dependencies. Without them (`npm ci --omit=dev`, a
 * production image) there is nothing to build with: the page already built is kept, as
 * scripts/prisma-generate.mjs keeps the generated Prisma client.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
try {
  for (const tool of ['vite', 'esbuild', 'rollup-plugin-dts', 'typescript']) require.resolve(tool);
} catch {
  console.warn('build-web: the dev dependencies are not installed; keeping web/dist as it is');
  process.exit(0);
}

function run(args) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run(['--import', 'tsx', 'scripts/build-client.ts']);
if (process.argv.includes('--check')) run([require.resolve('typescript/bin/tsc'), '-p', 'web']);
const { build } = await import('vite');
await build({ configFile: fileURLToPath(new URL('vite.config.mjs', import.meta.url)), logLevel: 'warn' });
console.log('web/dist built');
