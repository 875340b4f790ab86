/**
 * Proves the packed client works for a project that has nothing but the package (part of
 * `npm run test:client`):
 *
 * 1. builds client/dist and packs client/ with `npm pack`;
 * 2. lints the tarball with publint (--strict) and @arethetypeswrong/cli (ESM-only profile);
 * 3. installs the tarball into a scratch project under the OS temp dir, far from this repo's
 *    source and node_modules, together with its declared dependencies from the npm registry;
 * 4. type-checks client/consumer/consumer.ts there under NodeNext and Bundler resolution, with
 *    skipLibCheck off, so the bundled .d.ts itself is checked and every `@ts-expect-error` must hold;
 * 5. runs the compiled consumer against a live server (in-memory PGlite) and checks what it saw.
 *
 * Set KEEP_CONSUMER_DIR=1 to keep the scratch project for inspection.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';
import { buildClient, CLIENT_DIR, CLIENT_DIST } from './build-client.js';

const run = promisify(execFile);
const ROOT = path.dirname(CLIENT_DIR);
const BIN = path.join(ROOT, 'node_modules', '.bin');

async function step<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  console.log(`✓ ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return result;
}

/** Runs a command; on failure, shows its output (tsc and npm print their diagnostics on stdout). */
async function exec(command: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd, maxBuffer: 64 * 1024 * 1024 });
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

const COMPILER_OPTIONS = {
  strict: true,
  target: 'ES2022',
  // No ambient @types (node included): the client's declared dependencies must be enough.
  types: [],
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  verbatimModuleSyntax: true,
};

const CONFIGS = {
  // Checks every .d.ts, the client's bundle included. @trpc/server's own types need the
  // disposable lib, so it is listed.
  'tsconfig.nodenext.json': {
    compilerOptions: {
      ...COMPILER_OPTIONS,
      lib: ['ES2022', 'DOM', 'ESNext.Disposable'],
      skipLibCheck: false,
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
      skipLibCheck: true,
      module: 'ESNext',
      moduleResolution: 'Bundler',
      noEmit: true,
    },
    include: ['src'],
  },
};

const RUNNER = `import { exercise } from './dist/consumer.js';
console.log(JSON.stringify(await exercise(process.argv[2])));
`;

/** What `exercise` reports against an empty database, line by line. */
const EXPECTED_REPORT = [
  /^create [0-9a-f-]{36} releasedOn=2020-03-27$/,
  /^byId Levitating$/,
  /^update streams=2\.2$/,
  /^list total=1 first=Levitating$/,
  /^infinite items=1 nextCursor=null$/,
  /^error BAD_REQUEST name=1$/,
  /^delete true$/,
  /^requests 7$/,
];

async function main(): Promise<void> {
  const started = performance.now();
  await step('build client/dist', buildClient);

  const packDir = await mkdtemp(path.join(os.tmpdir(), 'songs-client-pack-'));
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'songs-client-consumer-'));
  try {
    const tarball = await step('npm pack', async () => {
      const [packed] = JSON.parse(
        await exec('npm', ['pack', '--json', '--pack-destination', packDir], CLIENT_DIR),
      ) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[];
      if (!packed) throw new Error('npm pack reported no package');
      const lines = (await readFile(path.join(CLIENT_DIST, 'index.d.ts'), 'utf8'))
        .trimEnd()
        .split('\n').length;
      console.log(
        `  ${packed.filename}: ${packed.size} B packed, ${packed.unpackedSize} B unpacked, ` +
          `files ${packed.files.map((file) => file.path).join(', ')}; index.d.ts ${lines} lines`,
      );
      return path.join(packDir, packed.filename);
    });

    await step('publint --strict', () => exec(path.join(BIN, 'publint'), ['run', tarball, '--strict'], ROOT));
    await step('attw --profile esm-only', () =>
      exec(path.join(BIN, 'attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii'], ROOT),
    );

    assertIsolated(scratch);
    const typescriptVersion = JSON.parse(
      await readFile(path.join(ROOT, 'node_modules', 'typescript', 'package.json'), 'utf8'),
    ).version as string;
    await writeFile(
      path.join(scratch, 'package.json'),
      `${JSON.stringify({ name: 'songs-client-consumer', private: true, type: 'module' }, null, 2)}\n`,
    );
    await step('npm install the tarball (+ peers from the registry) into a scratch project', () =>
      exec(
        'npm',
        [
          'install',
          '--no-audit',
          '--no-fund',
          '--loglevel=error',
          tarball,
          `typescript@${typescriptVersion}`,
        ],
        scratch,
      ),
    );

    await mkdir(path.join(scratch, 'src'));
    await copyFile(
      path.join(CLIENT_DIR, 'consumer', 'consumer.ts'),
      path.join(scratch, 'src', 'consumer.ts'),
    );
    await writeFile(path.join(scratch, 'run.mjs'), RUNNER);
    const tsc = path.join(scratch, 'node_modules', 'typescript', 'bin', 'tsc');
    for (const [file, config] of Object.entries(CONFIGS)) {
      await writeFile(path.join(scratch, file), `${JSON.stringify(config, null, 2)}\n`);
      await step(`tsc -p ${file} (consumer + @ts-expect-error mistakes)`, () =>
        exec(process.execPath, [tsc, '-p', file], scratch),
      );
    }

    await step('run the consumer against a live server', async () => {
      await using server = await openServer();
      const output = await exec(process.execPath, ['run.mjs', `${server.url}/trpc`], scratch);
      const report = JSON.parse(output) as string[];
      const mismatch = EXPECTED_REPORT.findIndex((pattern, index) => !pattern.test(report[index] ?? ''));
      if (mismatch !== -1 || report.length !== EXPECTED_REPORT.length) {
        throw new Error(`unexpected consumer report:\n${report.join('\n')}`);
      }
    });
  } finally {
    await rm(packDir, { recursive: true, force: true });
    if (process.env.KEEP_CONSUMER_DIR) console.log(`  scratch project kept at ${scratch}`);
    else await rm(scratch, { recursive: true, force: true });
  }
  console.log(`client package check passed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** The real server on a free port with an in-memory database, closed when disposed. */
async function openServer() {
  const server = await startServer(loadConfig({ DATABASE_URL: 'pglite:memory', PORT: '0' }));
  return { url: server.url, [Symbol.asyncDispose]: () => server.close() };
}

await main();
