/**
 * Proves the packed client works for projects that have nothing but the package (part of
 * `npm run test:client`):
 *
 * 1. builds client/dist and packs client/ with `npm pack`;
 * 2. lints the tarball with publint (--strict) and @arethetypeswrong/cli (ESM-only profile);
 * 3. for each project below, installs the tarball under the OS temp dir, far from this repo's
 *    source and node_modules, with a plain `npm install` (no --legacy-peer-deps), so npm itself
 *    proves the peer ranges: the oldest and the newest @trpc/* that client/package.json allows,
 *    and @trpc/tanstack-react-query (which pins its @trpc peers exactly);
 * 4. type-checks client/consumer there as a strict browser project would: skipLibCheck off,
 *    lib ES2022 + DOM, no @types/node, NodeNext and Bundler resolution; every
 *    `@ts-expect-error` must hold;
 * 5. runs the compiled consumer against a live server (in-memory PGlite) in UTC-8 and in UTC+14,
 *    and checks that both saw the same, expected things (a release date is the same day in both).
 *
 * Pass --keep to keep the scratch projects for inspection.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createApiKey } from '../src/access/api-keys.js';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';
import { buildClient, CLIENT_DIR } from './build-client.js';

/** `--keep`: leave each scratch project in place for inspection. */
const KEEP_SCRATCH = process.argv.includes('--keep');
const run = promisify(execFile);
const ROOT = path.dirname(CLIENT_DIR);
const BIN = path.join(ROOT, 'node_modules', '.bin');
const CONSUMER_DIR = path.join(CLIENT_DIR, 'consumer');

async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  console.log(`✓ ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

/** Runs a command; on failure, shows its output (tsc and npm print their diagnostics on stdout). */
async function exec(
  command: string,
  args: string[],
  cwd: string,
  env?: Record<string, string>,
): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd, maxBuffer: 64 * 1024 * 1024, ...(env && { env }) });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout}${stderr}`);
  }
}

/** The scratch project must not see any node_modules above it, or it could borrow this repo's. */
function assertIsolated(dir: string): void {
  for (let parent = path.dirname(dir); ; parent = path.dirname(parent)) {
    if (existsSync(path.join(parent, 'node_modules'))) {
      throw new Error(`${parent}/node_modules would leak into the scratch project; set TMPDIR elsewhere`);
    }
    if (path.dirname(parent) === parent) return;
  }
}

/** The version of a package installed here, so the scratch projects test what this repo builds with. */
function installedVersion(name: string, dir = ROOT): string {
  return JSON.parse(readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
}

/** The lowest version a `^x.y.z` peer range of client/package.json allows. */
function oldestAllowed(name: string): string {
  const manifest = JSON.parse(readFileSync(path.join(CLIENT_DIR, 'package.json'), 'utf8'));
  const range: string = manifest.peerDependencies[name];
  const match = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range);
  if (!match) throw new Error(`${name}'s peer range ${range} is not ^x.y.z`);
  return match.slice(1).join('.');
}

interface Project {
  name: string;
  /** Installed next to the tarball and TypeScript; @trpc/* pinned where the project tests a bound. */
  packages: string[];
  /** The @trpc/client and @trpc/server versions npm must have chosen. */
  expectTrpc?: string;
  consumers: string[];
}

function projects(): Project[] {
  const oldest = oldestAllowed('@trpc/client');
  const major = oldest.split('.')[0];
  const zod = `zod@${installedVersion('zod')}`;
  return [
    {
      name: `oldest @trpc (${oldest})`,
      packages: [`@trpc/client@${oldest}`, `@trpc/server@${oldest}`, zod],
      expectTrpc: oldest,
      consumers: ['consumer.ts'],
    },
    {
      name: `newest @trpc (${major}.x)`,
      packages: [`@trpc/client@${major}`, `@trpc/server@${major}`, zod],
      consumers: ['consumer.ts'],
    },
    {
      name: 'React Query (@trpc/tanstack-react-query)',
      packages: [
        `@trpc/tanstack-react-query@${major}`,
        ...['@tanstack/react-query', 'react', 'react-dom', '@types/react', '@types/react-dom'].map(
          (name) => `${name}@${installedVersion(name)}`,
        ),
        zod,
      ],
      // trpc-node-modules.d.ts: @trpc/client 11.22.1's own types need Node's modules (it says why).
      consumers: ['consumer.ts', 'react-consumer.tsx', 'trpc-node-modules.d.ts'],
    },
  ];
}

const COMPILER_OPTIONS = {
  strict: true,
  target: 'ES2022',
  // No ambient @types (node included): a browser project has none. The client's .d.ts must bring
  // the lib @trpc/server's types need (Disposable) itself.
  types: [],
  skipLibCheck: false,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  verbatimModuleSyntax: true,
  jsx: 'react-jsx',
};

const CONFIGS = {
  // Emits dist/ for the runner.
  'tsconfig.nodenext.json': {
    compilerOptions: {
      ...COMPILER_OPTIONS,
      lib: ['ES2022', 'DOM'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      outDir: 'dist',
    },
    include: ['src'],
  },
  // What a Vite frontend's tsconfig typically says.
  'tsconfig.bundler.json': {
    compilerOptions: {
      ...COMPILER_OPTIONS,
      lib: ['ES2022', 'DOM', 'DOM.Iterable'],
      module: 'ESNext',
      moduleResolution: 'Bundler',
      noEmit: true,
    },
    include: ['src'],
  },
};

const RUNNER = `import { existsSync } from 'node:fs';
const [url, token = ''] = process.argv.slice(2);
const { exercise } = await import('./dist/consumer.js');
const report = await exercise(url, token);
if (existsSync('./dist/react-consumer.js')) {
  const { renderReleaseDate } = await import('./dist/react-consumer.js');
  report.push(await renderReleaseDate(url, token));
}
console.log(JSON.stringify({ offsetMinutes: new Date(2020, 0, 1).getTimezoneOffset(), report }));
`;

/** UTC-8 and UTC+14, the two ends a calendar date must survive (POSIX Etc/ signs are inverted). */
const TIME_ZONES = { 'Etc/GMT+8': 480, 'Etc/GMT-14': -840 };

/** What the consumer reports against an empty database, line by line. */
const EXPECTED_REPORT = [
  /^create [0-9a-f-]{36} releasedOn=2020-03-27 \(Mar 27, 2020\)$/,
  /^byId Levitating$/,
  /^update streams=2\.2$/,
  /^list total=1 first=Levitating$/,
  /^infinite items=1 nextCursor=null$/,
  /^error BAD_REQUEST name=1$/,
  /^batch calls=41 requests=3$/,
  /^delete true$/,
];
const EXPECTED_REACT_LINE = /^<time dateTime="2007-05-21">Calendar Day: May 21, 2007<\/time>$/;

async function checkProject(
  project: Project,
  tarball: string,
  server: { url: string; key: string },
): Promise<void> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'songs-client-consumer-'));
  try {
    assertIsolated(scratch);
    await writeFile(
      path.join(scratch, 'package.json'),
      `${JSON.stringify({ name: 'songs-client-consumer', private: true, type: 'module' }, null, 2)}\n`,
    );
    const packages = [tarball, `typescript@${installedVersion('typescript')}`, ...project.packages];
    await step(`[${project.name}] npm install ${project.packages.join(' ')}`, () =>
      exec('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...packages], scratch),
    );
    const trpc = ['@trpc/client', '@trpc/server'].map((name) => installedVersion(name, scratch));
    console.log(`  installed @trpc/client ${trpc[0]}, @trpc/server ${trpc[1]}`);
    if (project.expectTrpc && trpc.some((version) => version !== project.expectTrpc)) {
      throw new Error(`expected @trpc/* ${project.expectTrpc}, npm installed ${trpc.join(' and ')}`);
    }

    await mkdir(path.join(scratch, 'src'));
    for (const consumer of project.consumers) {
      await copyFile(path.join(CONSUMER_DIR, consumer), path.join(scratch, 'src', consumer));
    }
    await writeFile(path.join(scratch, 'run.mjs'), RUNNER);
    const tsc = path.join(scratch, 'node_modules', 'typescript', 'bin', 'tsc');
    for (const [file, config] of Object.entries(CONFIGS)) {
      await writeFile(path.join(scratch, file), `${JSON.stringify(config, null, 2)}\n`);
      await step(`[${project.name}] tsc -p ${file}`, () =>
        exec(process.execPath, [tsc, '-p', file], scratch),
      );
    }

    const expected =
      project.consumers.length > 1 ? [...EXPECTED_REPORT, EXPECTED_REACT_LINE] : EXPECTED_REPORT;
    for (const [timeZone, offsetMinutes] of Object.entries(TIME_ZONES)) {
      await step(`[${project.name}] run the consumer against a live server, TZ=${timeZone}`, async () => {
        const output = await exec(process.execPath, ['run.mjs', `${server.url}/trpc`, server.key], scratch, {
          TZ: timeZone,
        });
        const result = JSON.parse(output) as { offsetMinutes: number; report: string[] };
        if (result.offsetMinutes !== offsetMinutes) {
          throw new Error(`TZ=${timeZone} gave an offset of ${result.offsetMinutes} minutes`);
        }
        const { report } = result;
        const mismatch = expected.findIndex((pattern, index) => !pattern.test(report[index] ?? ''));
        if (mismatch !== -1 || report.length !== expected.length) {
          throw new Error(`unexpected consumer report in ${timeZone}:\n${report.join('\n')}`);
        }
      });
    }
  } finally {
    if (KEEP_SCRATCH) console.log(`  scratch project kept at ${scratch}`);
    else await rm(scratch, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  await step('build client/dist', buildClient);

  const packDir = await mkdtemp(path.join(os.tmpdir(), 'songs-client-pack-'));
  try {
    const tarball = await step('npm pack', async () => {
      const [packed] = JSON.parse(
        await exec('npm', ['pack', '--json', '--pack-destination', packDir], CLIENT_DIR),
      ) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[];
      if (!packed) throw new Error('npm pack reported no package');
      console.log(
        `  ${packed.filename}: ${packed.size} B packed, ${packed.unpackedSize} B unpacked, ` +
          `files ${packed.files.map((file) => file.path).join(', ')}`,
      );
      return path.join(packDir, packed.filename);
    });

    await step('publint --strict', () => exec(path.join(BIN, 'publint'), ['run', tarball, '--strict'], ROOT));
    await step('attw --profile esm-only', () =>
      exec(path.join(BIN, 'attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii'], ROOT),
    );

    await using server = await openServer();
    for (const project of projects()) await checkProject(project, tarball, server);
  } finally {
    await rm(packDir, { recursive: true, force: true });
  }
  console.log(`client package check passed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** The real server on a free port with an in-memory database and a write key, closed when disposed. */
async function openServer() {
  const server = await startServer(
    loadConfig({ DATABASE_URL: 'pglite:memory', PORT: '0', LOG_LEVEL: 'silent' }),
  );
  const { key } = await createApiKey(server.db.prisma, { name: 'client-check', scopes: ['songs:write'] });
  return { url: server.url, key, [Symbol.asyncDispose]: () => server.close() };
}

await main();
