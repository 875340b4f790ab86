#!/usr/bin/env node
/**
 * `prisma generate`, runnable offline.
 *
 * Workaround: the Prisma CLI insists on downloading its native schema engine before any command,
 * generate included, and that download is impossible on machines without general internet access
 * (our CI). `generate` never runs the engine, so pointing PRISMA_SCHEMA_ENGINE_BINARY at any
 * existing file (this Node binary) satisfies the check. A value already set is respected.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let cli;
try {
  cli = require.resolve('prisma/build/index.js');
} catch {
  // `npm ci --omit=dev` (a production image) has no Prisma CLI, which is a dev dependency: the
  // client must then have been generated at build time, before dev dependencies were pruned.
  console.warn('prisma-generate: the Prisma CLI is not installed; keeping the generated client as it is');
  process.exit(0);
}
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
};
const result = spawnSync(process.execPath, [cli, 'generate', ...process.argv.slice(2)], {
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
