/**
 * The server as a platform runs it: `npm start` in its own process on an embedded data folder,
 * stopped with SIGTERM, started again on the same folder.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createTRPCClient, httpLink } from '@trpc/client';
import superjson from 'superjson';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiKey } from '../../src/access/api-keys.js';
import { openDatabase } from '../../src/db/index.js';
import type { AppRouter } from '../../src/router.js';
import { songInput } from '../support/factories.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let dataDir: string;
/** A songs:write key, made in the data folder before the server first opens it: writes need one. */
let writerKey: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'songs-lifecycle-'));
  const db = await openDatabase(`pglite:${dataDir}`);
  await db.migrate();
  writerKey = (await createApiKey(db.prisma, { name: 'lifecycle', scopes: ['songs:write'] })).key;
  await db.close();
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

interface StartedServer {
  child: ChildProcess;
  url: string;
  /** Resolves with the next stdout line that matches. */
  waitForLine(pattern: RegExp): Promise<string>;
}

async function start(command: string[]): Promise<StartedServer> {
  const [executable, ...args] = command as [string, ...string[]];
  const child = spawn(executable, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DATABASE_URL: `pglite:${dataDir}`, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const waiting: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  lines.on('line', (line) => {
    const index = waiting.findIndex((w) => w.pattern.test(line));
    if (index >= 0) waiting.splice(index, 1)[0]?.resolve(line);
  });
  const waitForLine = (pattern: RegExp) =>
    new Promise<string>((resolve) => waiting.push({ pattern, resolve }));
  const ready = await Promise.race([
    waitForLine(/listening on (http:\/\/\S+)/),
    once(child, 'exit').then(([code]) => {
      throw new Error(`server exited with ${code} before it was ready`);
    }),
  ]);
  const url = /listening on (http:\/\/\S+)/.exec(ready)?.[1] as string;
  return { child, url, waitForLine };
}

const clientFor = (url: string) =>
  createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${url}/trpc`,
        transformer: superjson,
        headers: { authorization: `Bearer ${writerKey}` },
      }),
    ],
  });

it('stops with exit code 0 on SIGTERM after finishing the request in flight, and keeps its data', async () => {
  const first = await start(['npm', 'start', '--silent']);
  const created = await clientFor(first.url).song.create.mutate(songInput({ streams: 1 }));

  // An update whose body is only half sent is in flight when the signals arrive.
  const body = JSON.stringify({ json: { id: created.id, data: { streams: 9.99 } } });
  const socket = connect(Number(new URL(first.url).port), '127.0.0.1');
  await once(socket, 'connect');
  socket.write(
    `POST /trpc/song.update HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n` +
      `Authorization: Bearer ${writerKey}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 5)}`,
  );
  const response: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => response.push(chunk));

  const exited = once(first.child, 'exit');
  first.child.kill('SIGTERM');
  await first.waitForLine(/SIGTERM received/);
  first.child.kill('SIGTERM'); // a second signal must not cut the shutdown short
  socket.end(body.slice(5));
  await once(socket, 'close');
  expect(Buffer.concat(response).toString()).toMatch(/^HTTP\/1\.1 200 OK/);
  expect((await exited)[0]).toBe(0);

  const second = await start(['node', '--import', 'tsx', 'src/main.ts']);
  try {
    const song = await clientFor(second.url).song.byId.query({ id: created.id });
    expect(song).toMatchObject({ name: created.name, streams: 9.99 });
  } finally {
    const stopped = once(second.child, 'exit');
    second.child.kill('SIGTERM');
    expect((await stopped)[0]).toBe(0);
  }
});
