/** The OpenAPI document and the docs page, as a client generator and a browser meet them. */
import { readFileSync } from 'node:fs';
import { validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRestOpenApiDocument } from '../../src/rest/openapi.js';
import { startTestServer, type TestServer } from '../support/http.js';
import { generateRestTypes, TYPES_FILE } from './openapi-types.generate.js';
import { rest } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server[Symbol.asyncDispose]());

describe('/v1/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const response = await rest(server.url, '/v1/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ openapi: '3.1.0' });
    const result = await validate(structuredClone(response.body) as Parameters<typeof validate>[0]);
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it('documents every endpoint the server answers, with its parameters in REST names', () => {
    const document = createRestOpenApiDocument();
    expect(Object.keys(document.paths ?? {})).toEqual(['/ping', '/v1/songs', '/v1/songs/{id}']);
    const list = document.paths?.['/v1/songs']?.get;
    expect(list?.parameters?.map((parameter) => ('name' in parameter ? parameter.name : null))).toEqual([
      'name',
      'artist',
      'name__ilike',
      'artist__ilike',
      'streams__gte',
      'streams__lte',
      'released_on__gte',
      'released_on__lte',
      'order_by',
      'limit',
      'offset',
    ]);
  });

  it('is the committed document: what a client generator reads changes only on purpose', async () => {
    // Its descriptions, bounds, defaults and examples reach no generated type, so only this reads
    // them. After a deliberate change, `npx vitest run tests/rest/openapi.test.ts -u` rewrites it.
    await expect(`${JSON.stringify(createRestOpenApiDocument(), null, 2)}\n`).toMatchFileSnapshot(
      './__snapshots__/openapi.json.snap',
    );
  });

  it('has committed openapi-typescript types that are current (regenerate: see the generator)', async () => {
    expect(readFileSync(TYPES_FILE, 'utf8')).toBe(await generateRestTypes());
  });
});

describe('/v1/docs', () => {
  it('redirects to the page at /v1/docs/, which loads only its own assets', async () => {
    const redirect = await fetch(`${server.url}/v1/docs`, { redirect: 'manual' });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/v1/docs/');

    const page = await fetch(`${server.url}/v1/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1] ?? '');
    expect(assets.length).toBeGreaterThan(3);
    for (const asset of assets) {
      expect(asset).toMatch(/^\.\//);
      const response = await fetch(new URL(asset, `${server.url}/v1/docs/`));
      expect(response.status, asset).toBe(200);
    }
  });

  it('embeds the document and turns off the online validator', async () => {
    const init = await (await fetch(`${server.url}/v1/docs/swagger-ui-init.js`)).text();
    expect(init).toContain('"openapi": "3.1.0"');
    expect(init).toContain('"validatorUrl": null');
  });

  it('is titled after the API', async () => {
    const page = await (await fetch(`${server.url}/v1/docs/`)).text();
    expect(page).toContain('<title>Songs API (REST)</title>');
  });

  it('answers an unknown asset with the JSON 404', async () => {
    expect(await rest(server.url, '/v1/docs/nothing.js')).toMatchObject({
      status: 404,
      body: { detail: 'Not Found' },
    });
  });
});
