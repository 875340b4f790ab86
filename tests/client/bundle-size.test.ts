/**
 * What each entry point costs a browser app: a small consumer of each is bundled with esbuild,
 * minified, as a frontend build would. The main entry has a budget and must carry no zod (the
 * schemas live in `@songs-api/client/schemas`, for apps that validate forms).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildClientJavaScript } from '../../scripts/build-client.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN_ENTRY_BUDGET_BYTES = 50_000;

let dist: Awaited<ReturnType<typeof buildClientJavaScript>>;
beforeAll(async () => {
  dist = await buildClientJavaScript();
});

/** Bundles `source` (which imports client/dist by absolute path) for a browser, minified. */
async function bundle(source: string, external: string[] = []) {
  const result = await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    external,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { bytes: result.outputFiles[0]?.contents.byteLength ?? 0, metafile: result.metafile };
}

const packagesIn = (metafile: Metafile) =>
  new Set(
    Object.keys(metafile.inputs)
      .map((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1])
      .filter(Boolean),
  );

describe('client bundle size', () => {
  it(`a consumer of the main entry bundles to at most ${MAIN_ENTRY_BUDGET_BYTES} bytes, with no zod`, async () => {
    const { bytes, metafile } = await bundle(`
      import { createSongsClient, formatCalendarDate, isSongsClientError } from ${JSON.stringify(dist.index)};
      const songs = createSongsClient({ url: '/trpc', token: () => sessionStorage.getItem('key') });
      songs.song.list.query({ limit: 5 }).then(
        (page) => console.log(page.items.map((song) => formatCalendarDate(song.releasedOn))),
        (error) => console.log(isSongsClientError(error) && error.data?.code),
      );
    `);
    expect(packagesIn(metafile)).not.toContain('zod');
    expect(packagesIn(metafile)).toContain('@trpc/client');
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(MAIN_ENTRY_BUDGET_BYTES);
  });

  it('the schemas entry brings zod, for apps that validate forms', async () => {
    const { metafile } = await bundle(`
      import { songCreateSchema } from ${JSON.stringify(dist.schemas)};
      console.log(songCreateSchema.safeParse({}).success);
    `);
    expect(packagesIn(metafile)).toContain('zod');
    expect(packagesIn(metafile)).not.toContain('@trpc/client');
  });

  it('the react entry bundles with React and the query libraries left to the app', async () => {
    const appOwned = ['react', 'react-dom', '@tanstack/react-query', '@trpc/tanstack-react-query'];
    const { metafile } = await bundle(
      `
      import { createSongsReactClients, TRPCProvider, useTRPC } from ${JSON.stringify(dist.react)};
      console.log(createSongsReactClients({ url: '/trpc' }), TRPCProvider, useTRPC);
    `,
      appOwned,
    );
    expect(packagesIn(metafile)).not.toContain('zod');
    expect(Object.keys(metafile.inputs).some((input) => input.endsWith('client/dist/react.js'))).toBe(true);
  });
});
