/**
 * The original FastAPI service's REST API (`/ping`, `/v1/songs…`), its OpenAPI document and docs
 * page. Every handler translates the request into a procedure call made through
 * `createCaller(context)`, and the answer (or error) back into FastAPI's shapes: validation,
 * access rules, limits and error mapping are the procedures', exactly as over /trpc.
 */
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import swaggerUi from 'swagger-ui-express';
import type { z } from 'zod';
import { createCaller } from '../router.js';
import type { Song } from '../songs/schemas.js';
import type { Context } from '../trpc.js';
import {
  bodyError,
  fromProcedureError,
  internalError,
  type Loc,
  RestError,
  validationError,
} from './errors.js';
import { createRestOpenApiDocument } from './openapi.js';
import { createRestCaller } from './procedures.js';
import { type RestSong, restSongCreate, restSongListQuery, restSongUpdate } from './schemas.js';

export interface RestRouterOptions {
  /** The procedures' context for a request (its credential, once access rules exist). */
  createContext: (req: Request) => Context | Promise<Context>;
  /** Largest JSON body read, as for /trpc. */
  maxBodyBytes: number;
}

/*
 * Where the problem a procedure found was in the request. The inputs are flat, so a path is one
 * field name at most. The query and the body reach their procedures already checked by the same
 * field rules under their REST names (src/rest/schemas.ts): what the list procedure can still
 * refuse, `limit` and `offset` out of range, has one name in both, and `{ id, data }` is built from
 * a body, so only `id`, from the URL path, is left for a procedure to refuse there.
 */
const inQuery = (path: PropertyKey[]): Loc => ['query', ...path.map(String)];
const inBody = (path: PropertyKey[]): Loc => ['body', ...path.map(String)];
const inPath = (): Loc => ['path', 'id'];

/** A song as the REST API shows it; the procedures already give `releasedOn` as "YYYY-MM-DD". */
function toRestSong(song: Song): RestSong {
  return {
    id: song.id,
    name: song.name,
    artist: song.artist,
    streams: song.streams,
    released_on: song.releasedOn,
    created_at: song.createdAt.toISOString(),
  };
}

/** FastAPI reads the last of a repeated query parameter. */
function lastValues(query: Request['query']): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(query).map(([key, value]) => [key, Array.isArray(value) ? value.at(-1) : value]),
  );
}

/** A JSON object body, or the 422 FastAPI gives for a missing or non-object one. */
function objectBody(req: Request): Record<string, unknown> {
  // express.json leaves no body for another content type, and (strict) parses only objects and
  // arrays: anything else is its parse error (bodyParserErrors).
  if (req.body === undefined) throw bodyError('A JSON request body is required', 'missing');
  if (Array.isArray(req.body))
    throw bodyError('The request body must be a JSON object', 'model_attributes_type');
  return req.body as Record<string, unknown>;
}

/** The body, validated with `schema`, in the procedures' field names (`released_on` → `releasedOn`). */
function songBody<S extends z.ZodType<{ released_on?: unknown }>>(req: Request, schema: S) {
  const body = objectBody(req);
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw validationError(parsed.error, inBody, body);
  const { released_on, ...fields } = parsed.data as z.output<S>;
  return { ...fields, releasedOn: released_on as z.output<S>['released_on'] };
}

/** Runs a procedure call, turning its failure into the REST error for `locOf`. */
async function call<T>(run: () => Promise<T>, locOf: (path: PropertyKey[]) => Loc): Promise<T> {
  try {
    return await run();
  } catch (error) {
    const restError = fromProcedureError(error, locOf);
    if (restError.status === 500) console.error('REST: procedure failed:', error);
    throw restError;
  }
}

function send(res: Response, error: RestError): void {
  res.status(error.status).set(error.headers).json(error.body);
}

/** An async handler whose RestErrors are answers and whose other failures are a masked 500. */
const handle =
  (run: (req: Request, res: Response) => Promise<void>): RequestHandler =>
  async (req, res) => {
    try {
      await run(req, res);
    } catch (error) {
      // Stryker disable next-line all: no request reaches it, every failure a handler meets is a RestError (call() converts the procedures'); it logs a future bug
      if (!(error instanceof RestError)) console.error('REST: handler failed:', error);
      send(res, error instanceof RestError ? error : internalError());
    }
  };

/** body-parser's failures, in FastAPI's words: bad JSON is a 422, an oversized body a 413. */
const bodyParserErrors: ErrorRequestHandler = (error, _req, res, _next) => {
  // Express calls an error handler only with an error (a promise rejected with none becomes one).
  const type = (error as { type?: unknown }).type;
  if (type === 'entity.parse.failed')
    return send(res, bodyError('The body is not valid JSON', 'json_invalid'));
  if (type === 'entity.too.large') return send(res, new RestError(413, { detail: 'Request body too large' }));
  const status = (error as { status?: unknown }).status;
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: no request reaches the rest, the errors body-parser and the docs' file server raise for a request are all 4xx
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return send(res, new RestError(status, { detail: 'Bad request' }));
  }
  // Stryker disable next-line StringLiteral: no request reaches it (above)
  console.error('REST: request failed:', error);
  send(res, internalError());
};

/** The list procedure's input for a `GET /v1/songs` query string, or the 422 for it. */
function listInput(req: Request) {
  const query = lastValues(req.query);
  const parsed = restSongListQuery.safeParse(query);
  if (!parsed.success) throw validationError(parsed.error, inQuery, query);
  const q = parsed.data;
  return {
    name: q.name,
    artist: q.artist,
    nameIlike: q.name__ilike,
    artistIlike: q.artist__ilike,
    streamsGte: q.streams__gte,
    streamsLte: q.streams__lte,
    releasedOnGte: q.released_on__gte,
    releasedOnLte: q.released_on__lte,
    orderBy: q.order_by,
    limit: q.limit,
    offset: q.offset,
  };
}

/**
 * The docs page. It loads its assets relatively, so it is served at "/v1/docs/" only, its assets
 * beside it; any other path there falls to the JSON 404.
 */
function mountDocs(rest: express.Router, document: object): void {
  const docsOptions = { swaggerOptions: { validatorUrl: null }, customSiteTitle: 'Songs API (REST)' };
  const docsPage = swaggerUi.setup(document, docsOptions);
  rest.get('/v1/docs', (req, res, next) => {
    // Stryker disable next-line OptionalChaining: equivalent, split gives at least one part
    if (req.originalUrl.split('?')[0]?.endsWith('/')) return docsPage(req, res, next);
    res.redirect(301, '/v1/docs/');
  });
  rest.use('/v1/docs', swaggerUi.serveFiles(document, docsOptions));
}

function mountSongs(rest: express.Router, { createContext, maxBodyBytes }: RestRouterOptions): void {
  const jsonBody = express.json({ limit: maxBodyBytes });
  const songsFor = async (req: Request) => createCaller(await createContext(req)).song;

  rest.get(
    '/v1/songs',
    handle(async (req, res) => {
      const input = listInput(req);
      const page = await call(
        async () => createRestCaller(await createContext(req)).songList(input),
        inQuery,
      );
      res.json({ ...page, items: page.items.map(toRestSong) });
    }),
  );

  rest.post(
    '/v1/songs',
    jsonBody,
    handle(async (req, res) => {
      const data = songBody(req, restSongCreate);
      const song = await call(async () => (await songsFor(req)).create(data), inBody);
      res.status(201).json(toRestSong(song));
    }),
  );

  rest.get(
    '/v1/songs/:id',
    handle(async (req, res) => {
      const song = await call(async () => (await songsFor(req)).byId({ id: String(req.params.id) }), inPath);
      // The original's read shape has no created_at.
      const { created_at: _createdAt, ...read } = toRestSong(song);
      res.json(read);
    }),
  );

  rest.patch(
    '/v1/songs/:id',
    jsonBody,
    handle(async (req, res) => {
      const data = songBody(req, restSongUpdate);
      const id = String(req.params.id);
      const song = await call(async () => (await songsFor(req)).update({ id, data }), inPath);
      res.json(toRestSong(song));
    }),
  );

  rest.delete(
    '/v1/songs/:id',
    handle(async (req, res) => {
      await call(async () => (await songsFor(req)).delete({ id: String(req.params.id) }), inPath);
      res.status(204).end();
    }),
  );
}

export function createRestRouter(options: RestRouterOptions): express.Router {
  const rest = express.Router();
  const document = createRestOpenApiDocument();
  rest.get('/ping', (_req, res) => {
    res.json({ ping: 'pong!' });
  });
  rest.get('/v1/openapi.json', (_req, res) => {
    res.json(document);
  });
  mountDocs(rest, document);
  mountSongs(rest, options);

  // FastAPI's answers for a known path with another method, and for an unknown path under /v1.
  rest.all(['/v1/songs', '/v1/songs/:id'], (_req, res) => {
    res.status(405).json({ detail: 'Method Not Allowed' });
  });
  rest.use('/v1', (_req, res) => {
    res.status(404).json({ detail: 'Not Found' });
  });
  rest.use(bodyParserErrors);
  return rest;
}
