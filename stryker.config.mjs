// @ts-check
/**
 * Mutation testing of the modules that hold the API's rules (`npm run test:mutation`; see
 * docs/mutation.md for the score, the survivors judged equivalent, and why each is).
 *
 * Incremental: results are kept in `tests/mutation/incremental.json.gz` (committed; unpacked to the
 * file below and packed again by scripts/mutation.mjs, which `npm run test:mutation` runs), so a run after a
 * small change re-tests only the mutants that change touches.
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'tests/mutation/vitest.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'src/songs/{router,schemas,query,cursor}.ts',
    'src/errors.ts',
    'src/trpc.ts',
    'src/access/**/*.ts',
    'src/http/**/*.ts',
    'src/rest/**/*.ts',
    '!src/**/*.d.ts',
    // Not rule modules (docs/mutation.md): they print, log or serve files, and hold none of the
    // API's rules. keys-command.ts and first-start.ts print text for people (the key rules they
    // call live in api-keys.ts, which stays); logging.ts formats log lines; web.ts serves the
    // built page's static files; openapi.ts assembles the description document from the REST
    // schemas (schemas.ts, which stays, holds the rules it describes).
    '!src/access/keys-command.ts',
    '!src/access/first-start.ts',
    '!src/http/logging.ts',
    '!src/http/web.ts',
    '!src/rest/openapi.ts',
  ],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/mutation/incremental.json',
  concurrency: 2,
  // A mutant that breaks a module at load time fails every test that imports it; counting such a
  // mutant as "survived" (no test ran) would hide it, so static mutants run the whole selection.
  ignoreStatic: false,
  // Stryker prefixes the files it matches here with `// @ts-nocheck` in its sandbox; the default
  // includes tests/, which would change tests/rest/openapi-types.ts, whose committed text a test
  // compares with the generator's output (so the initial run failed). Only the mutated code needs it.
  disableTypeChecks: 'src/**/*.ts',
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
};
