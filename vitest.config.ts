import { defineConfig } from 'vitest/config';

const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // tests/postgres/ needs a PostgreSQL server (several connections at once); it runs in the
    // TEST_DATABASE_URL mode, so the default mode never reports tests it could not run.
    exclude: onPostgres ? [] : ['tests/postgres/**'],
    globalSetup: ['tests/support/global-setup.ts'],
    // Opening a throwaway database happens in beforeAll; PGlite's first start in a worker
    // compiles its WebAssembly, which can take a few seconds on a busy CI machine.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
