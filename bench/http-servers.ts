/**
 * The servers `npm run bench:http` compares, each a child process it can measure and stop:
 * the whole stack as `npm start` runs it, and the hand-written baseline of bench/raw-server.ts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';

export const ROOT = path.resolve(import.meta.dirname, '..');
/** Build output of the benches: under node_modules so that compiled files resolve its packages. */
export const SCRATCH = path.join(ROOT, 'node_modules', '.cache', 'songs-bench');

export interface BenchServer {
  name: string;
  /** `http://localhost:<port>` */
  url: string;
  /** The process serving HTTP (not a wrapper such as npm). */
  pid: number;
  /** Milliseconds from spawn to the "listening on" line. */
  startMs: number;
  /** Peak resident memory so far (VmHWM), in bytes. */
  peakRss(): Promise<number>;
  /** SIGTERM to the server process, then waits for the spawned process to exit. */
  stop(): Promise<void>;
}

/**
 * The whole stack as `npm start` runs it (npm, its script, NODE_ENV=production). `nodeFlags`
 * (such as `--cpu-prof`, which NODE_OPTIONS refuses) run the start script's own `node` command
 * through a shell instead of npm.
 */
export async function startStack(env: NodeJS.ProcessEnv, nodeFlags: string[] = []): Promise<BenchServer> {
  const stackEnv = { ...env, NODE_ENV: 'production', npm_config_update_notifier: 'false' };
  if (nodeFlags.length === 0) return startChild('stack (npm start)', 'npm', ['start', '--silent'], stackEnv);
  const { scripts } = JSON.parse(await readFile(path.join(ROOT, 'package.json'), 'utf8'));
  const script = String(scripts.start).replace(/\bnode\b/, `node ${nodeFlags.join(' ')}`);
  const bin = path.join(ROOT, 'node_modules', '.bin');
  return startChild(`stack (${script})`, 'sh', ['-c', script], {
    ...stackEnv,
    PATH: `${bin}${path.delimiter}${env.PATH}`,
  });
}

/** bench/raw-server.ts compiled to plain JavaScript, so that it pays no TypeScript loader. */
export async function startRawServer(env: NodeJS.ProcessEnv): Promise<BenchServer> {
  const outfile = path.join(SCRATCH, 'raw-server.mjs');
  await mkdir(SCRATCH, { recursive: true });
  await build({
    entryPoints: [path.join(ROOT, 'bench', 'raw-server.ts')],
    outfile,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
  });
  return startChild('raw Express + pg', process.execPath, [outfile], { ...env, NODE_ENV: 'production' });
}

/** Spawns `command`, waits for the URL it prints, and finds the process that serves it. */
export async function startChild(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<BenchServer> {
  const started = performance.now();
  const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  // Keep reading stdout to the end: a closed pipe would fail the server's later log lines.
  const url = await Promise.race([
    new Promise<string>((resolve) => {
      createInterface({ input: child.stdout as NonNullable<typeof child.stdout> }).on('line', (line) => {
        const match = /listening on (http:\/\/\S+?:\d+)/i.exec(line);
        if (match?.[1]) resolve(match[1]);
      });
    }),
    exited.then(([code]) => Promise.reject(new Error(`${name} exited with ${code} before listening`))),
  ]);
  const startMs = performance.now() - started;
  const pid = await servingProcess(child);
  return {
    name,
    url,
    pid,
    startMs,
    peakRss: () => memoryField(pid, 'VmHWM'),
    stop: async () => {
      if (child.exitCode === null) process.kill(pid, 'SIGTERM');
      await exited;
    },
  };
}

/** The leaf of the spawned process tree (npm → sh → node, or node itself). */
async function servingProcess(child: ChildProcess): Promise<number> {
  let pid = child.pid as number;
  for (;;) {
    const children = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
    const [first] = children.trim().split(/\s+/).filter(Boolean);
    if (!first) return pid;
    pid = Number(first);
  }
}

/** A `/proc/<pid>/status` memory field (`VmHWM`, `VmRSS`) in bytes. */
export async function memoryField(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kilobytes = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
  if (!kilobytes) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(kilobytes) * 1024;
}
