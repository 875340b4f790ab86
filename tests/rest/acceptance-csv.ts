import { fileURLToPath } from 'node:url';

/**
 * The acceptance CSV, read where CI lays it: `shared/` beside the clone. It is never copied into
 * the project. (No vitest here: tests/rest/original-client.ts runs outside the test runner.)
 */
export const ACCEPTANCE_CSV = fileURLToPath(
  new URL('../../../shared/acceptance/spotify_top_100_20241119.csv', import.meta.url),
);
