/**
 * Structured logs: one JSON line per request (pino-http), each with a request id that the
 * response echoes in `X-Request-Id`, so a client's report and the server's log meet. Errors that a
 * request causes are logged through `req.log`, which carries the same id.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DestinationStream, type Logger, pino } from 'pino';
import { type HttpLogger, pinoHttp } from 'pino-http';
import type { Config } from '../config.js';

export type { Logger };

export const REQUEST_ID_HEADER = 'x-request-id';
/** A proxy's or client's id is kept when it is short and plain; anything else is replaced. */
const SANE_REQUEST_ID = /^[\w.:-]{1,128}$/;
const PROCEDURE_MAX_LENGTH = 200;

/**
 * The server's logger at `LOG_LEVEL`: JSON lines on stdout, readable lines in development.
 * `destination` replaces stdout (tests read the lines from it).
 */
export function createLogger(
  config: Pick<Config, 'LOG_LEVEL' | 'NODE_ENV'>,
  destination?: DestinationStream,
): Logger {
  const options = { level: config.LOG_LEVEL };
  if (destination) return pino(options, destination);
  if (config.NODE_ENV === 'development') {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return pino(options);
}

/** The tRPC procedure(s) a request calls: `song.list`, or `song.list,song.byId` for a batch. */
function procedureOf(req: IncomingMessage): string | undefined {
  const url = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';
  if (!url.startsWith('/trpc/')) return undefined;
  const path = url.slice('/trpc/'.length).split('?', 1)[0] ?? '';
  return path.slice(0, PROCEDURE_MAX_LENGTH);
}

function requestId(req: IncomingMessage, res: ServerResponse): string {
  const offered = req.headers[REQUEST_ID_HEADER];
  const id = typeof offered === 'string' && SANE_REQUEST_ID.test(offered) ? offered : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** Express middleware: assigns the request id, gives `req.log`, and logs each request once. */
export function requestLogging(logger: Logger): HttpLogger {
  return pinoHttp({
    logger,
    genReqId: requestId,
    // req.log carries only the request id (not the whole request) into the lines logged through it.
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
    customProps: (req) => {
      const procedure = procedureOf(req);
      return procedure === undefined ? {} : { procedure };
    },
    // 5xx are logged with their cause where they happen; the request line stays at info for 4xx.
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: (req, res) => `${req.method} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${res.statusCode}`,
    // Only what an operator needs: no headers (they may carry credentials), no query string.
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, path: req.url.split('?', 1)[0] }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
  });
}
