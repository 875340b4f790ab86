/**
 * The tests Stryker runs against each mutant (`npm run test:mutation`): the ones that exercise the
 * API's rules in-process or over HTTP. The import CLI and server lifecycle tests start child
 * processes, which Stryker cannot instrument, so they would only add minutes to every mutant.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import base from '../../vitest.config.js';

// Spread, not mergeConfig: mergeConfig would append this include to the base one.
export default defineConfig({
  ...base,
  root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..'),
  test: { ...base.test, include: ['tests/{songs,unit,http,access,rest,fuzz}/**/*.test.ts'] },
});
