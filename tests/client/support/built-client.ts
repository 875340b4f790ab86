/**
 * The client as users get it: client/dist's entries, freshly bundled by esbuild (about 0.1 s, so
 * `npm test` needs no separate build step) and imported by file URL. Their types are the source's,
 * which the packed .d.ts is checked against by scripts/check-client-package.ts.
 */
import { pathToFileURL } from 'node:url';
import { buildClientJavaScript } from '../../../scripts/build-client.js';

export type BuiltClient = typeof import('../../../client/src/index.js');
export type BuiltSchemas = typeof import('../../../client/src/schemas.js');

/** `@songs-api/client` and `@songs-api/client/schemas`, from client/dist. */
export async function importBuiltClient(): Promise<{ client: BuiltClient; schemas: BuiltSchemas }> {
  const files = await buildClientJavaScript();
  const [client, schemas] = await Promise.all([
    import(pathToFileURL(files.index).href) as Promise<BuiltClient>,
    import(pathToFileURL(files.schemas).href) as Promise<BuiltSchemas>,
  ]);
  return { client, schemas };
}
