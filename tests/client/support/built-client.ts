/**
 * The client as users get it: client/dist/index.js, freshly bundled by esbuild (about 0.1 s, so
 * `npm test` needs no separate build step) and imported by file URL. Its types are the source's,
 * which the packed .d.ts is checked against by scripts/check-client-package.ts.
 */
import { pathToFileURL } from 'node:url';
import { buildClientJavaScript } from '../../../scripts/build-client.js';

export type BuiltClient = typeof import('../../../client/src/index.js');

export async function importBuiltClient(): Promise<BuiltClient> {
  const file = await buildClientJavaScript();
  return (await import(pathToFileURL(file).href)) as BuiltClient;
}
