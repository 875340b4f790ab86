/**
 * What Express itself answers (src/http/express-errors.ts): errors the body reader passes on, over
 * a real server, and the handler's rules for errors no request can produce (a 5xx a middleware
 * declares, a thrown string, a response already started), on a bare Express app around it.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GENERIC_INTERNAL_MESSAGE } from '../../src/errors.js';
import { jsonErrors } from '../../src/http/express-errors.js';
import { startTestServer, type TestServer } from '../support/http.js';

describe('errors of the body reader, over the real server', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server[Symbol.asyncDispose]());

  const post = (body: string | Uint8Array, headers: Record<string, string>) =>
    fetch(`${server.url}/trpc/song.create`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.writerKey}`, ...headers },
      body,
    });

  it.each<[string, () => Promise<Response>, number, string]>([
    [
      'a body over the limit',
      () => post(`{"json":"${'x'.repeat(2 * 1024 * 1024)}"}`, { 'content-type': 'application/json' }),
      413,
      'Request body too large',
    ],
    [
      'a charset the reader does not know',
      () => post('{"json":{}}', { 'content-type': 'application/json; charset=x-unknown' }),
      415,
      'Unsupported content type',
    ],
    [
      'a gzip body that is not gzip',
      () => post('{"json":{}}', { 'content-type': 'application/json', 'content-encoding': 'gzip' }),
      400,
      'Bad request',
    ],
  ])('answers %s with its status and a fixed message in JSON', async (_, request, status, message) => {
    const response = await request();
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: message });
  });

  it('reads a gzip body that is gzip', async () => {
    const body = gzipSync(JSON.stringify({ json: { name: '' } }));
    const response = await post(body, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    // The procedure ran: its input was read, and refused for the empty name.
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('name must not be empty');
  });
});

describe('the handler, around a route that fails with a given error', () => {
  let url: string;
  let failWith: (req: express.Request, res: express.Response) => unknown;
  const log = { error: vi.fn() };
  let closeServer: () => void;

  beforeAll(async () => {
    const app = express();
    app.use((req, _res, next) => {
      (req as unknown as { log: typeof log }).log = log;
      next();
    });
    app.get('/fail', (req, res, next) => {
      try {
        failWith(req, res);
      } catch (error) {
        next(error);
      }
    });
    app.use(jsonErrors);
    const listening = app.listen(0, '127.0.0.1');
    await once(listening, 'listening');
    url = `http://127.0.0.1:${(listening.address() as AddressInfo).port}/fail`;
    closeServer = () => listening.close();
  });
  afterAll(() => closeServer());

  const failing = async (error: unknown) => {
    log.error.mockClear();
    failWith = () => {
      throw error;
    };
    const response = await fetch(url);
    return { status: response.status, body: await response.json() };
  };

  it.each<[string, unknown, number, string]>([
    [
      'a 4xx without a message of its own',
      Object.assign(new Error('teapot'), { status: 418 }),
      418,
      'Request rejected',
    ],
    [
      'a status given as statusCode only',
      Object.assign(new Error('x'), { statusCode: 405 }),
      405,
      'Method not allowed',
    ],
    ['the lowest 4xx', Object.assign(new Error('x'), { status: 400 }), 400, 'Bad request'],
    ['the highest 4xx', Object.assign(new Error('x'), { status: 499 }), 499, 'Request rejected'],
    ['a 3xx', Object.assign(new Error('x'), { status: 399 }), 500, GENERIC_INTERNAL_MESSAGE],
    [
      'a 5xx other than 500',
      Object.assign(new Error('secret SQL'), { status: 503 }),
      500,
      GENERIC_INTERNAL_MESSAGE,
    ],
    [
      'a status that is not a number',
      Object.assign(new Error('x'), { status: '404' }),
      500,
      GENERIC_INTERNAL_MESSAGE,
    ],
    ['a thrown string', 'secret text', 500, GENERIC_INTERNAL_MESSAGE],
  ])('answers %s with a fixed message', async (_, error, status, message) => {
    expect(await failing(error)).toEqual({ status, body: { error: message } });
  });

  it('logs the cause of a 500 through the request logger, and not a 4xx', async () => {
    const cause = Object.assign(new Error('secret SQL'), { status: 503 });
    await failing(cause);
    expect(log.error).toHaveBeenCalledWith({ err: cause }, 'request failed');
    await failing(Object.assign(new Error('x'), { status: 404 }));
    expect(log.error).not.toHaveBeenCalled();
  });

  it('leaves a response already started to Express, which ends it', async () => {
    failWith = (_req, res) => {
      res.status(200).write('partial');
      throw new Error('after the headers');
    };
    const response = await fetch(url);
    expect(response.status).toBe(200);
    // Express's own handler cuts the connection: the client cannot take a half answer for a whole one.
    await expect(response.text()).rejects.toThrow('terminated');
  });
});
