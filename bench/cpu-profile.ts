/**
 * Where a server's CPU time goes, from a V8 `.cpuprofile` (`node --cpu-prof`): self time grouped
 * by library (superjson, tRPC, Prisma, zod, Express, pg, …), then by package, then the hottest
 * functions. Node's own code is shown by the library that called into it ("node core, for tRPC"),
 * or "events and I/O" when an event loop callback started it. Time in V8 builtins (JSON.stringify, RegExp, …) is charged to the JavaScript that
 * called them, so "superjson" includes the builtins superjson runs.
 *
 *   node --import tsx bench/cpu-profile.ts <file.cpuprofile> [requests served] [last ms only]
 */
import { readFile } from 'node:fs/promises';
import { printTable } from './stats.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Libraries as the issue names them; packages not listed here are shown by their own name. */
const LIBRARIES: [RegExp, string][] = [
  [/^(superjson|copy-anything|is-what)$/, 'superjson'],
  [/^@trpc\//, 'tRPC'],
  [/^(@prisma\/|prisma$|src\/generated)/, 'Prisma'],
  [/^zod$/, 'zod'],
  [
    /^(express|router|body-parser|finalhandler|send|serve-static|qs|path-to-regexp|on-finished|depd)$/,
    'Express',
  ],
  [/^(pg|pg-.+|postgres-.+)$/, 'pg'],
  [/^(tsx|esbuild|get-tsconfig)$/, 'tsx'],
];
const SPECIAL = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

/** The package (or src/ folder, or node core) a script URL belongs to. */
function packageOf(url: string): string {
  if (url.startsWith('node:')) return 'node core';
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [first, second] = path.slice(modules + '/node_modules/'.length).split('/');
    return first?.startsWith('@') ? `${first}/${second}` : (first ?? path);
  }
  const source = /\/(src|bench|client)\/(generated|[^/]+)/.exec(path);
  return source ? `${source[1]}/${source[2]}` : path;
}

/** The library whose call led into node core (tRPC's web streams, pg's sockets, …). */
function callerOutsideNode(node: ProfileNode | undefined, parent: Map<number, ProfileNode>): string {
  let caller = node;
  while (caller && (!caller.callFrame.url || caller.callFrame.url.startsWith('node:'))) {
    caller = parent.get(caller.id);
  }
  return caller ? libraryOf(packageOf(caller.callFrame.url)) : 'events and I/O';
}

function libraryOf(pkg: string): string {
  return LIBRARIES.find(([pattern]) => pattern.test(pkg))?.[1] ?? pkg;
}

interface Summary {
  byLibrary: Map<string, number>;
  byPackage: Map<string, number>;
  byFunction: Map<string, number>;
  busyMs: number;
}

/**
 * Self time per node, with builtins (no URL) charged to their nearest JavaScript caller. Only the
 * samples of the last `windowMs` before the profile ends count (the load, not the start-up).
 */
export function summarise(profile: Profile, windowMs = Number.POSITIVE_INFINITY): Summary {
  const parent = new Map<number, ProfileNode>();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
  // Each sample stands for the time until the next one (microseconds in the profile).
  const selfUs = new Map<number, number>();
  const from = profile.endTime - windowMs * 1000;
  let time = profile.startTime;
  profile.samples.forEach((sample, index) => {
    time += profile.timeDeltas[index] ?? 0;
    const next = profile.timeDeltas[index + 1] ?? 0;
    if (time >= from) selfUs.set(sample, (selfUs.get(sample) ?? 0) + next);
  });

  const summary: Summary = { byLibrary: new Map(), byPackage: new Map(), byFunction: new Map(), busyMs: 0 };
  const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const ms = us / 1000;
    const name = node.callFrame.functionName;
    if (name === '(idle)' || name === '(root)') continue;
    summary.busyMs += ms;
    if (SPECIAL.has(name)) {
      add(summary.byLibrary, name, ms);
      add(summary.byPackage, name, ms);
      add(summary.byFunction, name, ms);
      continue;
    }
    let owner: ProfileNode | undefined = node;
    // Builtins have no URL and WebAssembly (Prisma's query compiler) a wasm:// one: charge the caller.
    while (owner && /^(wasm:|$)/.test(owner.callFrame.url)) owner = parent.get(owner.id);
    const pkg = owner ? packageOf(owner.callFrame.url) : '(native, no caller)';
    add(
      summary.byLibrary,
      pkg === 'node core' ? `node core, for ${callerOutsideNode(owner, parent)}` : libraryOf(pkg),
      ms,
    );
    add(summary.byPackage, pkg, ms);
    const where = owner === node ? `${pkg}:${node.callFrame.lineNumber + 1}` : `builtin, called from ${pkg}`;
    add(summary.byFunction, `${name || '(anonymous)'} (${where})`, ms);
  }
  return summary;
}

function top(map: Map<string, number>, count: number, busyMs: number, requests: number, label: string) {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([key, ms]) => ({
      [label]: key,
      'self ms': ms.toFixed(0),
      '% of busy': ((100 * ms) / busyMs).toFixed(1),
      ...(requests > 0 ? { 'µs/request': ((1000 * ms) / requests).toFixed(0) } : {}),
    }));
}

/** Prints the summary of `file`; with `windowMs`, of its last `windowMs` only (see summarise). */
export async function printProfileSummary(file: string, requests = 0, windowMs?: number): Promise<void> {
  const summary = summarise(JSON.parse(await readFile(file, 'utf8')) as Profile, windowMs);
  const perRequest = requests > 0 ? `, ${((1000 * summary.busyMs) / requests).toFixed(0)} µs/request` : '';
  const window = windowMs === undefined ? 'whole profile' : `last ${(windowMs / 1000).toFixed(1)} s`;
  console.log(
    `\nCPU busy ${summary.busyMs.toFixed(0)} ms (${window}) over ${requests} requests${perRequest}`,
  );
  printTable('Self time by library', top(summary.byLibrary, 14, summary.busyMs, requests, 'library'));
  printTable('Self time by package', top(summary.byPackage, 20, summary.busyMs, requests, 'package'));
  printTable('Hottest functions', top(summary.byFunction, 25, summary.busyMs, requests, 'function'));
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const [file, requests, windowMs] = process.argv.slice(2);
  if (!file) throw new Error('usage: bench/cpu-profile.ts <file.cpuprofile> [requests] [last ms]');
  await printProfileSummary(file, Number(requests ?? 0), windowMs ? Number(windowMs) : undefined);
}
