/**
 * `npm run test:e2e`: the built client in headless Chromium. Kept out of `npm test` (whose include
 * is tests/**\/*.test.ts) because it needs Debian's chromium (`apt-get install -y chromium`).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'),
  test: {
    include: ['tests/client/**/*.e2e.ts'],
    // Starting PGlite (WebAssembly) and Chromium can take several seconds on a busy CI machine.
    hookTimeout: 60_000,
    testTimeout: 60_000,
  },
});
