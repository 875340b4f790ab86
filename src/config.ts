/** The environment the service reads, validated once (see README "Configuration"). */
import { existsSync } from 'node:fs';
import { z } from 'zod';

export const DEFAULT_DATABASE_URL = 'pglite:.data/pglite';

const environment = z.object({
  DATABASE_URL: z.string().min(1).default(DEFAULT_DATABASE_URL),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
});

export type Config = z.infer<typeof environment>;

/**
 * Reads the environment, after loading `.env` from the working directory when there is one
 * (Node's own loader: variables already set win, as with dotenv).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  if (env === process.env && existsSync('.env')) process.loadEnvFile('.env');
  const result = environment.safeParse(env);
  if (!result.success) {
    throw new Error(`Invalid environment: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

export const isProduction = () => process.env.NODE_ENV === 'production';
