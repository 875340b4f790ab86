/**
 * The one reader of the environment. Every setting of the server, the scripts and the benchmarks
 * is declared here once, with its default, and validated with zod when the process starts; the
 * rest of the code receives a `Config` (or the values it needs), never `process.env`.
 *
 * `.env` in the working directory is loaded first (Node's own loader; variables already set in the
 * environment win, as with dotenv), so it works for `npm start`, every `npm run` script and tests
 * that start the server as a child process.
 */
import { existsSync } from 'node:fs';
import { z } from 'zod';

/** Where the data lives when DATABASE_URL is unset: the embedded database a fresh clone starts on. */
export const DEFAULT_DATABASE_URL = 'pglite:.data/pglite';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** An empty value (`PORT=` in .env) means "unset", as it does for most tools. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) =>
  z.preprocess((value) => (value === '' || value === undefined ? fallback : value), schema);

const integer = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const milliseconds = integer(1, 24 * 60 * 60 * 1000);

const databaseUrl = z
  .string()
  .regex(
    /^(postgres(ql)?:\/\/.+|pglite:.+)$/,
    'must be postgres://…, postgresql://…, pglite:<dir> or pglite:memory',
  );

const origin = z.string().refine((value) => {
  try {
    return new URL(value).origin === value;
  } catch {
    return false;
  }
}, 'must list exact origins such as https://app.example.com (scheme, host and port; no path or trailing slash)');

const environment = z
  .object({
    // Database.
    DATABASE_URL: withDefault(databaseUrl, DEFAULT_DATABASE_URL),
    /** Longest an API query may run before PostgreSQL cancels it (the import and migrations set their own). */
    DB_STATEMENT_TIMEOUT_MS: withDefault(milliseconds, 5000),
    /** Connections in the PostgreSQL pool of one server process. */
    DB_POOL_SIZE: withDefault(integer(1, 1000), 10),
    /** Longest a query waits for a free pooled connection before the call is SERVICE_UNAVAILABLE. */
    DB_POOL_TIMEOUT_MS: withDefault(milliseconds, 2000),

    // HTTP.
    PORT: withDefault(integer(0, 65535), 3000),
    /** development: stacks in error responses and pretty logs (`npm run dev`); anything else hides them. */
    NODE_ENV: withDefault(z.enum(['development', 'production', 'test']), 'production'),
    LOG_LEVEL: withDefault(z.enum(LOG_LEVELS), 'info'),
    HTTP_HEADERS_TIMEOUT_MS: withDefault(milliseconds, 10_000),
    HTTP_REQUEST_TIMEOUT_MS: withDefault(milliseconds, 30_000),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: withDefault(milliseconds, 5000),
    HTTP_MAX_CONNECTIONS: withDefault(integer(1), 1000),
    /** After SIGTERM, in-flight requests get this long to finish before their sockets are cut. */
    SHUTDOWN_GRACE_MS: withDefault(milliseconds, 8000),
    /** Trust X-Forwarded-For from this many proxies in front of the server (unset: none). */
    TRUST_PROXY: optional(integer(0, 100)),

    // Access.
    READ_ACCESS: withDefault(z.enum(['public', 'token']), 'public'),
    AUTH_JWKS_URL: optional(z.url({ protocol: /^https?$/ })),
    AUTH_JWT_SECRET: optional(z.string().min(32, 'must be at least 32 characters (HS256 needs 256 bits)')),
    AUTH_ISSUER: optional(z.string().min(1)),
    AUTH_AUDIENCE: optional(z.string().min(1)),
    /** Comma-separated origins that browsers may call the API from (unset: same origin only). */
    CORS_ORIGINS: withDefault(
      z
        .string()
        .transform((list) =>
          list
            .split(',')
            .map((item) => item.trim())
            .filter(Boolean),
        )
        .pipe(z.array(origin)),
      '',
    ),
    /** Requests per minute per client; 0 turns the limit off. */
    RATE_LIMIT_READ: withDefault(integer(0), 1200),
    RATE_LIMIT_WRITE: withDefault(integer(0), 600),
    /** Shares rate-limit budgets between instances (unset: each process counts in memory). */
    REDIS_URL: optional(z.url({ protocol: /^rediss?$/ })),
    /** Starts every Redis key this service writes, so that deployments (and tests) sharing a Redis stay apart. */
    REDIS_KEY_PREFIX: withDefault(
      z.string().regex(/^[\w:.-]{1,100}$/, 'must be 1 to 100 letters, digits, _ : . -'),
      'songs-api',
    ),
  })
  .superRefine((env, ctx) => {
    const jwt = env.AUTH_JWKS_URL !== undefined || env.AUTH_JWT_SECRET !== undefined;
    if (env.AUTH_JWKS_URL !== undefined && env.AUTH_JWT_SECRET !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_JWT_SECRET'],
        message: 'set AUTH_JWKS_URL or AUTH_JWT_SECRET, not both',
      });
    }
    for (const name of ['AUTH_ISSUER', 'AUTH_AUDIENCE'] as const) {
      if (jwt && env[name] === undefined) {
        ctx.addIssue({ code: 'custom', path: [name], message: 'is required when JWTs are accepted' });
      }
    }
  });

export type Config = z.output<typeof environment>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads and validates the environment (after loading `.env` when `env` is the process's own).
 * Throws a ConfigError whose message names each bad variable on one line.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  if (env === process.env && existsSync('.env')) process.loadEnvFile('.env');
  const result = environment.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
    throw new ConfigError(`Invalid environment: ${problems.join('; ')}`);
  }
  return result.data;
}

/** Whether `url` is the embedded database a fresh clone starts on (it gets the demo data). */
export const isDefaultDatabase = (config: Pick<Config, 'DATABASE_URL'>) =>
  config.DATABASE_URL === DEFAULT_DATABASE_URL;

/**
 * Development mode (`npm run dev`): error responses carry stacks and library text. Read live, not
 * from a loaded Config, because tRPC's error formatter runs outside any request's config and
 * tests switch modes with `vi.stubEnv`.
 */
export const isDevelopment = () => process.env.NODE_ENV === 'development';
