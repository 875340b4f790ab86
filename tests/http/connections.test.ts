/**
 * The server's sockets: slow clients are cut off by the HTTP timeouts, connections are capped,
 * and close() drains (no new connections; requests in flight finish and are told
 * `Connection: close`; close resolves as soon as they have).
 */
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { expect, it } from 'vitest';
import { createApiKey } from '../../src/access/api-keys.js';
import { serve } from '../../src/server.js';
import { testConfig } from '../support/config.js';
import { openThrowawayDatabase } from '../support/test-database.js';

async function startServer(overrides: Record<string, string> = {}) {
  const database = await openThrowawayDatabase();
  const { key } = await createApiKey(database.prisma, { name: 'drain-writer', scopes: ['songs:write'] });
  const running = await serve(database, testConfig(overrides));
  const port = Number(new URL(running.url).port);
  return { running, database, port, key, [Symbol.asyncDispose]: () => running.close() };
}

async function openSocket(
  port: number,
): Promise<{ socket: Socket; received: () => string; closed: Promise<unknown> }> {
  const socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => {});
  return { socket, received: () => Buffer.concat(chunks).toString(), closed: once(socket, 'close') };
}

it('closes a socket that trickles its headers once the headers timeout has passed', async () => {
  await using server = await startServer({ HTTP_HEADERS_TIMEOUT_MS: '300', HTTP_REQUEST_TIMEOUT_MS: '5000' });
  const { socket, received, closed } = await openSocket(server.port);
  const opened = Date.now();
  socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
  // One header line every 50 ms: each arrives well within any idle timeout, the whole never ends.
  const trickle = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 50);
  await closed;
  clearInterval(trickle);
  expect(Date.now() - opened).toBeLessThan(3000);
  expect(received()).toMatch(/^HTTP\/1\.1 408|^$/);
});

it('refuses connections over HTTP_MAX_CONNECTIONS', async () => {
  await using server = await startServer({ HTTP_MAX_CONNECTIONS: '2' });
  const first = await openSocket(server.port);
  const second = await openSocket(server.port);
  const third = await openSocket(server.port);
  await third.closed; // the server drops it at once
  for (const { socket } of [first, second]) socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
  await Promise.all([first, second].map(({ socket }) => once(socket, 'data')));
  expect(first.received()).toMatch(/^HTTP\/1\.1 200/);
  expect(second.received()).toMatch(/^HTTP\/1\.1 200/);
  for (const { socket } of [first, second]) socket.destroy();
});

it('drains on close: the request in flight finishes with Connection: close, new connections are refused', async () => {
  const server = await startServer();
  try {
    // A keep-alive client that has been served once, then starts a create whose body is half sent.
    const { socket, received, closed } = await openSocket(server.port);
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await once(socket, 'data');
    const body = JSON.stringify({
      json: { name: 'Drain', artist: 'Drainer', streams: 1, releasedOn: '2020-01-01' },
    });
    socket.write(
      `POST /trpc/song.create HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
        `Authorization: Bearer ${server.key}\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((resolve) => setImmediate(resolve));

    let closeFinished = false;
    const closing = server.running.close().then(() => {
      closeFinished = true;
    });
    const refused = await new Promise<boolean>((resolve) => {
      const probe = connect(server.port, '127.0.0.1');
      probe.on('connect', () => resolve(false));
      probe.on('error', () => resolve(true));
    });
    expect(refused).toBe(true);
    expect(closeFinished).toBe(false);

    socket.write(body.slice(10));
    await closed;
    const response = received().split('HTTP/1.1 ').at(-1) ?? '';
    expect(response).toMatch(/^200 OK/);
    expect(response).toMatch(/\r\nConnection: close\r\n/i);
    await closing;
  } finally {
    await server.running.close();
    await server.database.drop();
  }
});

it('drains keep-alive clients without cutting a request', async () => {
  const server = await startServer();
  try {
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const outcomes: string[] = [];
    const get = () =>
      new Promise<string>((resolve) => {
        const req = request({ port: server.port, host: '127.0.0.1', path: '/healthz', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(String(res.statusCode)));
        });
        req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
        req.end();
      });
    // Eight clients, each sending requests back to back until the server stops taking them.
    const clients = Array.from({ length: 8 }, async () => {
      for (;;) {
        const outcome = await get();
        outcomes.push(outcome);
        if (outcome !== '200') return;
      }
    });
    while (outcomes.length < 80) await new Promise((resolve) => setImmediate(resolve));
    await server.running.close();
    await Promise.all(clients);
    agent.destroy();
    // Every request was answered, or refused at connect (nothing sent, safe to send elsewhere).
    const cut = outcomes.filter((outcome) => outcome !== '200' && outcome !== 'ECONNREFUSED');
    expect(cut).toEqual([]);
  } finally {
    await server.running.close();
    await server.database.drop();
  }
});
