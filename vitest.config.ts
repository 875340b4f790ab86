import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/support/global-setup.ts'],
    // Opening a throwaway database happens in beforeAll; PGlite's first start in a worker
    // compiles its WebAssembly, which can take a few seconds on a busy CI machine.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
