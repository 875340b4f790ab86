/** The server's configuration for tests: the defaults, on a free port, plus what a test overrides. */
import { type Config, loadConfig } from '../../src/config.js';

/** Logs are silent unless a test asks. `overrides` are environment values, as they would be written in `.env` (`{ READ_ACCESS: 'token' }`). */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ PORT: '0', DATABASE_URL: 'pglite:memory', LOG_LEVEL: 'silent', ...overrides });
}
