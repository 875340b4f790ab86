/** Raw HTTP calls for the access tests: they look at statuses and headers the typed client hides. */
import { songInput } from '../support/factories.js';

export const MISSING_ID = '00000000-0000-4000-8000-000000000000';

/** One call of each write, as a POST of its procedure with a valid input. */
export const WRITES = {
  'song.create': () => songInput(),
  'song.update': () => ({ id: MISSING_ID, data: { streams: 2 } }),
  'song.delete': () => ({ id: MISSING_ID }),
} as const;

export type WriteProcedure = keyof typeof WRITES;

const bearer = (token: string | undefined): Record<string, string> =>
  token === undefined ? {} : { authorization: `Bearer ${token}` };

export function postCall(baseUrl: string, procedure: string, input: unknown, token?: string, extra = {}) {
  return fetch(`${baseUrl}/trpc/${procedure}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(token), ...extra },
    body: JSON.stringify({ json: input }),
  });
}

export function getCall(baseUrl: string, procedure: string, input: unknown, token?: string, extra = {}) {
  const query = encodeURIComponent(JSON.stringify({ json: input }));
  return fetch(`${baseUrl}/trpc/${procedure}?input=${query}`, { headers: { ...bearer(token), ...extra } });
}

/** tRPC's error body for one call: `{ error: { json: { message, data: { code, httpStatus } } } }`. */
export async function trpcError(
  response: Response,
): Promise<{ message: string; code: string; httpStatus: number }> {
  const body = (await response.json()) as {
    error: { json: { message: string; data: { code: string; httpStatus: number } } };
  };
  return { message: body.error.json.message, ...body.error.json.data };
}
