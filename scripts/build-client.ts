/**
 * Builds the client package into client/dist (`npm run build:client`), one file per entry point
 * (index: the client; schemas: the zod input schemas; react: the React Query integration) plus
 * the chunks they share:
 *
 * - *.js: ESM, bundled by esbuild from client/src plus the server module the schemas entry reuses
 *   (src/songs/schemas.ts: zod only). The packages a consumer installs stay external, and the
 *   main entry is checked to reach no zod at all.
 * - *.d.ts: self-contained declarations, bundled by rollup-plugin-dts. The Prisma client module is
 *   mapped to an opaque stub (client/build/prisma-client.stub.d.ts explains why), the result is
 *   checked to import nothing but the package's declared dependencies, and the entries that reach
 *   @trpc's types say which TypeScript lib those need (`Disposable`), so browser projects without
 *   @types/node type-check them with skipLibCheck off.
 *
 * The HTTP end-to-end tests import `buildClientJavaScript` to get fresh .js files in ~0.1 s.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLIENT_DIR = path.join(ROOT, 'client');
export const CLIENT_DIST = path.join(CLIENT_DIR, 'dist');
/** Entry name (the file name in dist) to source; package.json's `exports` lists the same three. */
export const CLIENT_ENTRIES = {
  index: path.join(CLIENT_DIR, 'src', 'index.ts'),
  schemas: path.join(CLIENT_DIR, 'src', 'schemas.ts'),
  react: path.join(CLIENT_DIR, 'src', 'react.ts'),
};
/** @trpc/server's declarations use `Disposable`, which lib ES2022 lacks (without @types/node). */
const DISPOSABLE_LIB_REFERENCE = '/// <reference lib="esnext.disposable" />';
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

/** client/dist/{index,schemas,react}.js and their shared chunks. Returns the entries' paths. */
export async function buildClientJavaScript(): Promise<Record<keyof typeof CLIENT_ENTRIES, string>> {
  const result = await build({
    entryPoints: CLIENT_ENTRIES,
    outdir: CLIENT_DIST,
    bundle: true,
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    format: 'esm',
    // Browsers and Node alike: the bundle must not reach for Node built-ins.
    platform: 'neutral',
    target: 'es2022',
    external: declaredPackages(),
    metafile: true,
    logLevel: 'warning',
  });
  const outputs = result.metafile.outputs;
  assertOnlyDeclaredImports(
    'client/dist/*.js',
    Object.values(outputs).flatMap((output) =>
      output.imports.filter((item) => item.external).map((item) => item.path),
    ),
  );
  // What the main entry loads, chunks included: none of it may be zod (it belongs to ./schemas).
  const mainOutput = path.relative(ROOT, path.join(CLIENT_DIST, 'index.js'));
  const reached = new Set<string>();
  const visit = (file: string) => {
    if (reached.has(file)) return;
    reached.add(file);
    for (const item of outputs[file]?.imports ?? []) {
      if (item.external) reached.add(item.path);
      else visit(item.path);
    }
  };
  visit(mainOutput);
  if (reached.has('zod'))
    throw new Error('client/dist/index.js reaches zod: keep schemas out of the main entry');
  return {
    index: path.join(CLIENT_DIST, 'index.js'),
    schemas: path.join(CLIENT_DIST, 'schemas.js'),
    react: path.join(CLIENT_DIST, 'react.js'),
  };
}

/**
 * client/dist/{index,schemas,react}.d.ts, each self-contained: one rollup run per entry, since a
 * shared chunk would have to export the server's private types (its Context) to be portable.
 */
export async function buildClientDeclarations(): Promise<void> {
  await Promise.all(
    Object.entries(CLIENT_ENTRIES).map(([name, entry]) =>
      buildDeclarationFile(entry, path.join(CLIENT_DIST, `${name}.d.ts`)),
    ),
  );
}

async function buildDeclarationFile(entry: string, file: string): Promise<void> {
  const bundle = await rollup({
    input: entry,
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
  assertOnlyDeclaredImports(path.relative(ROOT, file), specifiers);
  // Triple-slash references would pull in ambient types (e.g. `types="node"`) behind our back.
  if (/^\/\/\/\s*<reference/m.test(text)) throw new Error(`${file} has a /// <reference>`);
  if (specifiers.some((specifier) => specifier.startsWith('@trpc/'))) {
    await writeFile(file, `${DISPOSABLE_LIB_REFERENCE}\n${text}`);
  }
}

export async function buildClient(): Promise<void> {
  await rm(CLIENT_DIST, { recursive: true, force: true });
  await mkdir(CLIENT_DIST, { recursive: true });
  await Promise.all([buildClientJavaScript(), buildClientDeclarations()]);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  await buildClient();
  console.log(`client/dist built in ${Math.round(performance.now() - started)} ms`);
}
