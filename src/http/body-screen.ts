/**
 * A linear pass over a tRPC request body *before* JSON.parse sees it. JSON.parse itself is the
 * expensive step for hostile bodies under the 1 MiB cap (half a million nested brackets, or tens
 * of thousands of keys, cost it tens to hundreds of milliseconds), so nesting and the number of
 * values are bounded here, by counting characters outside strings.
 */
import express, { type RequestHandler } from 'express';
import { MAX_BATCH_SIZE, MAX_BODY_BYTES } from './limits.js';

/** A batch object, an envelope, and an input nested a few levels (see envelope.ts). */
export const MAX_BODY_DEPTH = 12;
/** Values in one body: a full batch of the largest inputs fits with room to spare. */
export const MAX_BODY_VALUES = MAX_BATCH_SIZE * 200;

/** The problem with `text`, or null if it is within the bounds (it may still be invalid JSON). */
export function screenJson(text: string): string | null {
  let depth = 0;
  let values = 0;
  let inString = false;
  // Stryker disable next-line EqualityOperator: equivalent for `<=`, the extra step reads charCodeAt past the end, NaN, which is no character counted
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c)
        i++; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
      continue;
    }
    if (code === 0x22) {
      inString = true;
    } else if (code === 0x5b || code === 0x7b) {
      if (++depth > MAX_BODY_DEPTH) return `the input is nested deeper than ${MAX_BODY_DEPTH} levels`;
      if (++values > MAX_BODY_VALUES) return `the input holds more than ${MAX_BODY_VALUES} values`;
    } else if (code === 0x5d || code === 0x7d) {
      depth--;
    } else if (code === 0x2c || code === 0x3a) {
      if (++values > MAX_BODY_VALUES) return `the input holds more than ${MAX_BODY_VALUES} values`;
    }
  }
  return null;
}

const readText = express.text({ type: () => true, limit: MAX_BODY_BYTES });

/**
 * Reads a POST body (at most MAX_BODY_BYTES, else 413), screens it, and hands the text to tRPC
 * as `req.body`; a body out of bounds gets a 400 in tRPC's error shape, so clients read it as any
 * other BAD_REQUEST.
 */
export const screenBody: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST') return next();
  readText(req, res, (error?: unknown) => {
    if (error) return next(error);
    // Stryker disable next-line ConditionalExpression: equivalent for `false`, Express 5 leaves req.body undefined until a parser sets it, and this one sets only strings
    if (typeof req.body !== 'string') req.body = undefined;
    const problem = typeof req.body === 'string' ? screenJson(req.body) : null;
    if (!problem) return next();
    const message = `Invalid input: ${problem}`;
    res
      .status(400)
      .json({ error: { json: { message, code: -32600, data: { code: 'BAD_REQUEST', httpStatus: 400 } } } });
  });
};
