/** A logger whose JSON lines a test can read, instead of stdout. */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/http/logging.js';

export interface CapturedLogs {
  logger: Logger;
  /** Every line logged so far, parsed. */
  lines: Record<string, unknown>[];
}

export function captureLogs(level: 'info' | 'warn' | 'error' = 'info'): CapturedLogs {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ LOG_LEVEL: level, NODE_ENV: 'test' }, destination), lines };
}
