/** Helpers for the REST tests: plain `fetch` against a real server, as a non-TypeScript client would. */
import { createReadStream } from 'node:fs';
import { expect } from 'vitest';
import type { Database } from '../../src/db/index.js';
import { importSongs } from '../../src/import/import-songs.js';
import { ACCEPTANCE_CSV } from './acceptance-csv.js';

/** Loads the 100 acceptance songs through the import, so the file is read exactly as `npm run import` reads it. */
export async function importAcceptanceSongs(db: Database): Promise<void> {
  const report = await importSongs(db, createReadStream(ACCEPTANCE_CSV));
  expect(report).toMatchObject({ imported: 100, rejected: 0, stopped: null });
}

export interface RestResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or null when there is none. */
  body: unknown;
}

/** Sends a request to `${baseUrl}${path}`; `json` is sent as a JSON body. */
export async function rest(
  baseUrl: string,
  path: string,
  init: { method?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
): Promise<RestResponse> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.json !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? 'GET',
    headers,
    body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? null : JSON.parse(text) };
}

/** A song body in REST names. */
export function restSongBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'Levitating', artist: 'Dua Lipa', streams: 2.1, released_on: '2020-03-27', ...overrides };
}

/** FastAPI's 422 body, with the `loc` of each problem. */
export function expectValidationError(response: RestResponse, locs: (string | number)[][]): void {
  expect(response.status).toBe(422);
  const body = response.body as { detail: { loc: (string | number)[]; msg: string; type: string }[] };
  expect(body.detail.map((entry) => entry.loc)).toEqual(locs);
  for (const entry of body.detail) {
    expect(entry.msg).toEqual(expect.any(String));
    expect(entry.type).toEqual(expect.any(String));
  }
}
