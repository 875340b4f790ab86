/**
 * Builds the client package into client/dist (`npm run build:client`):
 *
 * - index.js: ESM, bundled by esbuild from client/src/index.ts plus the server modules it reuses
 *   (src/songs/schemas.ts: zod only). The packages a consumer installs stay external.
 * - index.d.ts: one self-contained declaration file, bundled by rollup-plugin-dts. The Prisma client
 *   module is mapped to an opaque stub (client/build/prisma-client.stub.d.ts explains why), and the
 *   result is checked to import nothing but the package's declared dependencies.
 *
 * The HTTP end-to-end test imports `buildClientJavaScript` to get a fresh index.js in ~0.1 s.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLIENT_DIR = path.join(ROOT, 'client');
export const CLIENT_DIST = path.join(CLIENT_DIR, 'dist');
const ENTRY = path.join(CLIENT_DIR, 'src', 'index.ts');
const PRISMA_CLIENT_MODULE = path.join(ROOT, 'src', 'generated', 'prisma', 'client');
const PRISMA_CLIENT_STUB = path.join(CLIENT_DIR, 'build', 'prisma-client.stub.d.ts');

interface ClientManifest {
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** The packages a consumer installs with the client: the only imports dist may keep. */
function declaredPackages(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(CLIENT_DIR, 'package.json'), 'utf8')) as ClientManifest;
  return [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})];
}

/** `@scope/name/sub` → `@scope/name`, `name/sub` → `name`; relative and `node:` specifiers unchanged. */
function packageOf(specifier: string): string {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:'))
    return specifier;
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

function assertOnlyDeclaredImports(what: string, specifiers: Iterable<string>): void {
  const allowed = new Set(declaredPackages());
  const strays = [...new Set(specifiers)].filter((specifier) => !allowed.has(packageOf(specifier)));
  if (strays.length > 0) {
    throw new Error(
      `${what} imports ${strays.join(', ')}, which a consumer of @songs-api/client does not have ` +
        `(allowed: ${[...allowed].join(', ')})`,
    );
  }
}

/** client/dist/index.js. Returns its path. */
export async function buildClientJavaScript(): Promise<string> {
  const outfile = path.join(CLIENT_DIST, 'index.js');
  const result = await build({
    entryPoints: [ENTRY],
    outfile,
    bundle: true,
    format: 'esm',
    // Browsers and Node alike: the bundle must not reach for Node built-ins.
    platform: 'neutral',
    target: 'es2022',
    external: declaredPackages(),
    metafile: true,
    logLevel: 'warning',
  });
  const output = Object.values(result.metafile.outputs)[0];
  assertOnlyDeclaredImports(
    'client/dist/index.js',
    (output?.imports ?? []).map((item) => item.path),
  );
  return outfile;
}

/** client/dist/index.d.ts. Returns its path. */
export async function buildClientDeclarations(): Promise<string> {
  const file = path.join(CLIENT_DIST, 'index.d.ts');
  const bundle = await rollup({
    input: ENTRY,
    plugins: [
      {
        name: 'prisma-client-stub',
        // Runs before rollup-plugin-dts's resolver, so the stub wins for this one module.
        resolveId(source, importer) {
          if (!importer || !source.startsWith('.')) return null;
          const target = path.resolve(path.dirname(importer), source).replace(/\.(js|ts|d\.ts)$/, '');
          return target === PRISMA_CLIENT_MODULE ? PRISMA_CLIENT_STUB : null;
        },
      },
      dts({ tsconfig: path.join(ROOT, 'tsconfig.json') }),
    ],
    onwarn(warning) {
      throw new Error(`rollup-plugin-dts: ${warning.message}`);
    },
  });
  try {
    await bundle.write({ file, format: 'es' });
  } finally {
    await bundle.close();
  }
  const text = await readFile(file, 'utf8');
  const specifiers = [...text.matchAll(/\bfrom\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (match) => match[1] ?? match[2] ?? '',
  );
  assertOnlyDeclaredImports('client/dist/index.d.ts', specifiers);
  // Triple-slash references would pull in ambient types (e.g. `types="node"`) behind our back.
  if (/^\/\/\/\s*<reference/m.test(text)) throw new Error('client/dist/index.d.ts has a /// <reference>');
  return file;
}

export async function buildClient(): Promise<void> {
  await rm(CLIENT_DIST, { recursive: true, force: true });
  await mkdir(CLIENT_DIST, { recursive: true });
  await Promise.all([buildClientJavaScript(), buildClientDeclarations()]);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await buildClient();
  const lines = (await readFile(path.join(CLIENT_DIST, 'index.d.ts'), 'utf8')).trimEnd().split('\n').length;
  console.log(
    `client/dist built in ${Math.round(performance.now() - started)} ms (index.d.ts: ${lines} lines)`,
  );
}
