/**
 * The reads `npm run bench:http` sends, and the load it sends them with (autocannon). Every
 * response is checked (status 200, the expected song or item count) so that a broken server,
 * answering errors quickly, cannot look fast: any bad response fails the bench.
 */
import { setTimeout } from 'node:timers/promises';
import autocannon from 'autocannon';
import { createSongsClient } from '../client/src/index.js';

export const READS = ['song.byId', 'song.list', 'song.infinite'] as const;
export type ReadName = (typeof READS)[number];

export const PAGE_SIZE = 50;
const DRAIN_MS = 500;
const ID_PLACEHOLDER = '00000000-0000-4000-8000-000000000000';

/** What one server answers to one read: the path of each request, and the check of its response. */
export interface Target {
  /** The request path for a song id (only song.byId uses it). */
  path(id: string): string;
  /** Null when `body` is the right answer, else what is wrong with it. */
  check(status: number, body: string, id: string, songCount: number): string | null;
}

type SongsClient = ReturnType<typeof createSongsClient>;

/**
 * The path (with query) the typed client package sends for one call: taken from the client itself
 * (batching link, superjson envelope, GET with `input=`), not rewritten by hand.
 */
async function clientPath(call: (client: SongsClient) => Promise<unknown>): Promise<string> {
  let sent: string | undefined;
  const client = createSongsClient({
    url: 'http://bench.invalid/trpc',
    fetch: async (input) => {
      sent = input instanceof Request ? input.url : String(input);
      throw new Error('captured, not sent');
    },
  });
  await call(client).catch(() => {});
  if (!sent) throw new Error('the client sent no request');
  const url = new URL(sent);
  return `${url.pathname}${url.search}`;
}

/** The procedure's output from a tRPC response (batched or not), still in superjson's `json` form. */
function trpcOutput(body: string): Record<string, unknown> | null {
  const parsed = JSON.parse(body);
  const envelope = Array.isArray(parsed) ? parsed[0] : parsed;
  return envelope?.result?.data?.json ?? null;
}

function checkOutput(read: ReadName, output: Record<string, unknown> | null, id: string, songCount: number) {
  if (!output) return 'no result in the response';
  if (read === 'song.byId') return output.id === id ? null : `expected song ${id}, got ${String(output.id)}`;
  const items = output.items;
  if (!Array.isArray(items) || items.length !== PAGE_SIZE) return `expected ${PAGE_SIZE} items`;
  if (read === 'song.list' && output.total !== songCount) return `expected total ${songCount}`;
  if (read === 'song.infinite' && typeof output.nextCursor !== 'string') return 'expected a nextCursor';
  return null;
}

const statusProblem = (status: number, body: string) =>
  status === 200 ? null : `HTTP ${status}: ${body.slice(0, 200)}`;

/** The stack's tRPC requests, exactly as the client package sends them. */
export async function stackTargets(): Promise<Record<ReadName, Target>> {
  const byId = await clientPath((client) => client.song.byId.query({ id: ID_PLACEHOLDER }));
  const list = await clientPath((client) => client.song.list.query({ limit: PAGE_SIZE, offset: 0 }));
  const infinite = await clientPath((client) => client.song.infinite.query({ limit: PAGE_SIZE }));
  const target = (read: ReadName, template: string): Target => ({
    path: (id) => template.replace(ID_PLACEHOLDER, id),
    check: (status, body, id, songCount) =>
      statusProblem(status, body) ?? checkOutput(read, trpcOutput(body), id, songCount),
  });
  return {
    'song.byId': target('song.byId', byId),
    'song.list': target('song.list', list),
    'song.infinite': target('song.infinite', infinite),
  };
}

/** The raw server's plain routes (bench/raw-server.ts). */
export function rawTargets(): Record<ReadName, Target> {
  const target = (read: ReadName, path: (id: string) => string): Target => ({
    path,
    check: (status, body, id, songCount) =>
      statusProblem(status, body) ?? checkOutput(read, JSON.parse(body), id, songCount),
  });
  return {
    'song.byId': target('song.byId', (id) => `/songs/${id}`),
    'song.list': target('song.list', () => `/songs?limit=${PAGE_SIZE}&offset=0`),
    'song.infinite': target('song.infinite', () => `/songs/infinite?limit=${PAGE_SIZE}`),
  };
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
}

/** `connections` clients send `target`'s requests for `seconds`; throws on any bad response. */
export async function runLoad(
  url: string,
  target: Target,
  options: { seconds: number; connections: number; ids: readonly string[]; songCount: number },
): Promise<LoadResult> {
  const { ids, songCount } = options;
  const problems: string[] = [];
  let good = 0;
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (request, context: { id?: string }) => {
          const id = ids[Math.floor(Math.random() * ids.length)] as string;
          context.id = id;
          return { ...request, path: target.path(id) };
        },
        onResponse: (status, body, context: { id?: string }) => {
          const problem = target.check(status, body, context.id ?? '', songCount);
          if (problem) problems.push(problem);
          else good += 1;
        },
      },
    ],
  });
  // autocannon stops counting at the deadline but the server still answers what was in flight:
  // let it drain before the next load starts, so that one load's backlog does not slow the next.
  await setTimeout(DRAIN_MS);
  if (problems.length > 0 || result.errors > 0 || result.non2xx > 0) {
    throw new Error(
      `${url}: ${problems.length} bad responses, ${result.errors} errors, ${result.non2xx} non-2xx; ` +
        `first: ${problems[0] ?? 'none'}`,
    );
  }
  return {
    requestsPerSecond: good / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: good,
  };
}
