/**
 * The input envelope check: every tRPC input that arrives over HTTP is `{ json, meta? }` as
 * superjson writes it, and is checked here *before* superjson reads it. superjson trusts `meta`
 * (a string where it expects a tree makes it walk characters until the stack overflows; unknown
 * type names throw its own text), so anything this API would not send is refused up front with
 * one message of our own, at a cost bounded by the limits below.
 *
 * The API uses two superjson types only: `Date` and `undefined`. Inputs are small closed objects,
 * so the envelope also bounds how deep and how large `json` may be.
 */
import type { CombinedDataTransformer } from '@trpc/server';
import superjson from 'superjson';
import { serializeOutput } from './output-serializer.js';

/** Deeper than any input of this API (`update`'s `data` object is the deepest, at 2). */
export const MAX_INPUT_DEPTH = 8;
/** Values (objects, arrays and scalars) in one input's `json`; the largest real input has ~20. */
export const MAX_INPUT_NODES = 200;
/** Annotated paths in one input's `meta` (a list filter carries at most four dates). */
export const MAX_META_ENTRIES = 50;
/** Characters in one meta path (the longest real one, `data.releasedOn`, has 15). */
const MAX_PATH_LENGTH = 200;

const MAX_DATE_LENGTH = 32;
const ALLOWED_TYPES: ReadonlySet<unknown> = new Set(['Date', 'undefined']);
/** Keys that would reach an object's prototype if superjson wrote through them. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A malformed envelope. Its message is ours, written for the client, and is sent as is. */
export class InvalidEnvelopeError extends Error {
  // Stryker disable next-line StringLiteral: equivalent, client-errors.ts tells it by instanceof and sends only its message; client errors are not logged
  override name = 'InvalidEnvelopeError';
}

const fail = (message: string): never => {
  throw new InvalidEnvelopeError(`Invalid input envelope: ${message}`);
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Fails unless `json` stays within MAX_INPUT_DEPTH and MAX_INPUT_NODES; stops at the first excess. */
function checkSize(json: unknown): void {
  const stack: [unknown, number][] = [[json, 0]];
  let nodes = 1;
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_INPUT_DEPTH) fail(`json is nested deeper than ${MAX_INPUT_DEPTH} levels`);
    // A huge array is refused by its length and objects are counted key by key: both stop early.
    // (for...in lists an array's indices before its first turn, so the loop alone would not.)
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: equivalent in outcome, the loop refuses the same arrays with the same message; the cost it saves is asserted by tests/http/envelope.test.ts, outside Stryker
    if (Array.isArray(value) && value.length > MAX_INPUT_NODES)
      fail(`json holds more than ${MAX_INPUT_NODES} values`);
    for (const key in value) {
      if (++nodes > MAX_INPUT_NODES) fail(`json holds more than ${MAX_INPUT_NODES} values`);
      stack.push([(value as Record<string, unknown>)[key], depth + 1]);
    }
  }
}

/** superjson's path syntax: segments joined by ".", with "\." and "\\" as escapes (meta.v 1). */
function parsePath(path: string): string[] {
  if (path.length > MAX_PATH_LENGTH) fail(`a meta path is longer than ${MAX_PATH_LENGTH} characters`);
  const segments: string[] = [];
  let segment = '';
  for (let i = 0; i < path.length; i++) {
    const char = path[i];
    if (char === '\\') {
      const next = path[i + 1];
      if (next !== '.' && next !== '\\') fail(`meta path "${path}" has a stray backslash`);
      segment += next;
      i++;
    } else if (char === '.') {
      segments.push(segment);
      segment = '';
    } else {
      segment += char;
    }
  }
  segments.push(segment);
  return segments;
}

/** The value at `path` inside `json`, walking own keys only; fails if the path leads nowhere. */
function valueAt(json: Json, path: string): Json {
  let node: Json = json;
  for (const key of parsePath(path)) {
    if (FORBIDDEN_KEYS.has(key)) fail(`meta path "${path}" is not allowed`);
    const container = typeof node === 'object' ? node : null; // typeof null is 'object' too
    // An array's own keys are its indices and "length": the pattern keeps the indices.
    const found =
      // Stryker disable next-line Regex: equivalent for the anchors alone, no own key of an array mixes digits and letters (one of several digits is tested)
      container !== null && Object.hasOwn(container, key) && (!Array.isArray(container) || /^\d+$/.test(key));
    if (!found) fail(`meta names "${path}", which is not in json`);
    node = (container as Record<string, Json>)[key] as Json;
  }
  return node;
}

/** `['Date']` or `['undefined']`, checked against the value it annotates. */
function checkAnnotation(annotation: unknown, value: Json, path: string): string {
  const type = Array.isArray(annotation) && annotation.length === 1 ? annotation[0] : undefined;
  if (!ALLOWED_TYPES.has(type)) fail(`meta.values at "${path}" must be ["Date"] or ["undefined"]`);
  // An ISO date-time with a six-digit year is 27 characters: anything longer is not a Date.
  if (type === 'Date' && (typeof value !== 'string' || value.length > MAX_DATE_LENGTH)) {
    fail(`a Date at "${path}" must be an ISO date string in json`);
  }
  if (type === 'undefined' && value !== null) fail(`undefined at "${path}" must be null in json`);
  return type as string;
}

/** Checks `meta.values`; returns the paths annotated as Dates. */
function checkValues(values: unknown, json: Json): Set<string> {
  const dates = new Set<string>();
  // The whole input is one Date or undefined: superjson writes a bare annotation.
  if (Array.isArray(values)) {
    checkAnnotation(values, json, '');
    return dates;
  }
  if (!isPlainObject(values)) return fail('meta.values must be an object');
  let count = 0;
  for (const path in values) {
    if (++count > MAX_META_ENTRIES) fail(`meta.values names more than ${MAX_META_ENTRIES} paths`);
    if (checkAnnotation(values[path], valueAt(json, path), path) === 'Date') dates.add(path);
  }
  return dates;
}

/** Shared references: the client sent one Date object at several paths. Nothing else is shared. */
function checkReferences(references: unknown, dates: ReadonlySet<unknown>): void {
  if (!isPlainObject(references)) {
    fail('meta.referentialEqualities must be an object');
    return;
  }
  let count = 0;
  for (const path in references) {
    const identical = references[path];
    if (!Array.isArray(identical)) fail('meta.referentialEqualities must map a path to a list of paths');
    for (const other of [path, ...(identical as unknown[])]) {
      if (++count > MAX_META_ENTRIES)
        fail(`meta.referentialEqualities names more than ${MAX_META_ENTRIES} paths`);
      if (!dates.has(other)) fail('meta.referentialEqualities may only link paths annotated as Dates');
    }
  }
}

/**
 * Returns `input` if it is an envelope this API would send, else throws InvalidEnvelopeError.
 * Its cost is linear in the input and bounded by the limits above.
 */
export function checkEnvelope(input: unknown): { json: Json; meta?: Record<string, unknown> } {
  if (!isPlainObject(input)) return fail('expected an object { json, meta? }');
  for (const key of Object.keys(input)) {
    if (key !== 'json' && key !== 'meta') fail(`unexpected key "${key}" (expected { json, meta? })`);
  }
  if (!Object.hasOwn(input, 'json')) fail('"json" is missing (send { json: <input> })');
  const json = input.json as Json;
  checkSize(json);
  if (input.meta === undefined) return { json };
  const meta = input.meta;
  if (!isPlainObject(meta)) return fail('meta must be an object');
  for (const key of Object.keys(meta)) {
    if (key !== 'values' && key !== 'referentialEqualities' && key !== 'v')
      fail(`unexpected key "meta.${key}"`);
  }
  if (meta.v !== undefined && meta.v !== 1) fail('meta.v must be 1');
  const dates = meta.values === undefined ? new Set<string>() : checkValues(meta.values, json);
  if (meta.referentialEqualities !== undefined) checkReferences(meta.referentialEqualities, dates);
  // superjson reads unversioned paths the old way; after the checks above both ways agree.
  return { json, meta: { ...meta, v: 1 } };
}

/**
 * superjson, with every incoming input checked first. Outputs are ours and go out as superjson
 * writes them; the client package uses plain superjson on both sides.
 */
export const checkedSuperjson: CombinedDataTransformer = {
  input: {
    serialize: (value) => superjson.serialize(value),
    // In place: the input was just parsed from the request and nothing else holds it.
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: equivalent in outcome, a copy reads the same; in place saves the copy
    deserialize: (value) => superjson.deserialize(checkEnvelope(value) as never, { inPlace: true }),
  },
  output: {
    serialize: serializeOutput,
    deserialize: (value) => superjson.deserialize(value),
  },
};
