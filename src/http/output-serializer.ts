/**
 * superjson's wire format for what procedures return, written in one pass.
 *
 * Outputs are plain objects, arrays, strings, finite numbers, booleans, null and Dates (the output
 * schemas make them so). For such a value this writes exactly what `superjson.serialize` writes
 * (`{ json, meta: { values, v: 1 } }`, Dates as ISO strings with their paths listed) without
 * superjson's generic walk, which costs several times more per page of songs
 * (docs/performance.md, "Serialization"). Anything else (undefined, -0, NaN, a Map, a class
 * instance, an object met twice, a key that needs escaping in a path) goes to superjson itself, so
 * the result is always superjson's; tests/unit/output-serializer.test.ts compares the two.
 */

import type { SuperJSONResult } from 'superjson';
import superjson from 'superjson';

/** Thrown inside the walk when the value needs superjson's general rules. */
const NOT_PLAIN = Symbol('not plain');

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The walk's state: the path to the current value (joined only when a Date is met) and what it met. */
interface Walk {
  path: string[];
  dates: string[];
  seen: Set<object>;
}

function plainJson(value: unknown, walk: Walk): Json {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Object.is(value, -0)) throw NOT_PLAIN;
    return value;
  }
  // Stryker disable next-line ConditionalExpression: equivalent, any other type fails the prototype check below
  if (typeof value !== 'object' || walk.seen.has(value)) throw NOT_PLAIN;
  walk.seen.add(value);
  if (value instanceof Date) {
    if (walk.path.length === 0 || Number.isNaN(value.getTime())) throw NOT_PLAIN;
    walk.dates.push(walk.path.join('.'));
    return value.toISOString();
  }
  if (Array.isArray(value)) {
    const items: Json[] = [];
    // A hole reads as undefined, which hands the whole value to superjson like any undefined.
    for (let index = 0; index < value.length; index += 1) {
      walk.path.push(String(index));
      items.push(plainJson(value[index], walk));
      walk.path.pop();
    }
    return items;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) throw NOT_PLAIN;
  const json: Record<string, Json> = {};
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (key.includes('.') || key.includes('\\')) throw NOT_PLAIN;
    walk.path.push(key);
    json[key] = plainJson(item, walk);
    walk.path.pop();
  }
  return json;
}

export function serializeOutput(value: unknown): SuperJSONResult {
  const walk: Walk = { path: [], dates: [], seen: new Set() };
  let json: Json;
  try {
    json = plainJson(value, walk);
  } catch {
    // NOT_PLAIN, or a failure of the value itself (a getter that throws), which superjson, meeting
    // it again, reports as it always has.
    return superjson.serialize(value);
  }
  if (walk.dates.length === 0) return { json };
  const values: Record<string, ['Date']> = {};
  for (const path of walk.dates) values[path] = ['Date'];
  return { json, meta: { values, v: 1 } };
}
