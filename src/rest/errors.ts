/**
 * How the REST surface answers a failure, in FastAPI's shapes:
 * - a validation problem: 422 `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`;
 * - anything else: the HTTP status tRPC gives the same error code, with `{"detail": "..."}`.
 */
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { ZodError, type z } from 'zod';
import { GENERIC_INTERNAL_MESSAGE, RETRY_AFTER_SECONDS } from '../errors.js';
import type { RestValidationError } from './schemas.js';

export type Loc = (string | number)[];

/** A finished REST error answer: status, JSON body and any headers it needs. */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly body: { detail: string } | RestValidationError,
    readonly headers: Record<string, string> = {},
  ) {
    // Stryker disable next-line all: equivalent, the message only names the error in a stack trace; a client reads the body, and the log gets the procedure's own error (router.ts)
    super(typeof body.detail === 'string' ? body.detail : 'Validation error');
  }
}

export const NOT_FOUND_DETAIL = 'Item not found';

/** pydantic v2's `type` for the closest kind of problem, so clients that switch on it keep working. */
function issueType(issue: z.core.$ZodIssue, missing: boolean): string {
  switch (issue.code) {
    case 'invalid_type':
      return missing ? 'missing' : `${issue.expected}_type`;
    case 'too_small':
      if (issue.origin === 'string') return 'string_too_short';
      return issue.inclusive ? 'greater_than_equal' : 'greater_than';
    case 'too_big':
      if (issue.origin === 'string') return 'string_too_long';
      return issue.inclusive ? 'less_than_equal' : 'less_than';
    case 'invalid_format':
      return 'string_pattern_mismatch';
    case 'invalid_value':
      return 'literal_error';
    case 'unrecognized_keys':
      return 'extra_forbidden';
    case 'custom':
      return typeof issue.params?.type === 'string' ? issue.params.type : 'value_error';
    default:
      return 'value_error';
  }
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent for `false` (and for `&&`), zod reports a problem under a key only when every value above it is an object, so the walk never meets null or a primitive before its end
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * A 422 for a zod error. `locOf` turns an issue's path (in the names of whatever was parsed)
 * into FastAPI's `loc`; `input` (what was parsed) tells a missing field from a wrong one.
 */
export function validationError(
  error: ZodError,
  locOf: (path: PropertyKey[]) => Loc,
  input?: unknown,
): RestError {
  const detail = error.issues.map((issue) => {
    const missing = input !== undefined && valueAt(input, issue.path) === undefined;
    return { loc: locOf(issue.path), msg: issue.message, type: issueType(issue, missing) };
  });
  return new RestError(422, { detail });
}

/** A 422 for a body that is not what the endpoint reads at all (absent, not JSON, not an object). */
export function bodyError(msg: string, type: string, loc: Loc = ['body']): RestError {
  return new RestError(422, { detail: [{ loc, msg, type }] });
}

/**
 * The REST answer for an error a procedure threw. The status is tRPC's own for the code (so 401,
 * 403, 409, 412, 429, 503 come out as over /trpc); input errors become 422s located by `locOf`.
 */
export function fromProcedureError(error: unknown, locOf: (path: PropertyKey[]) => Loc): RestError {
  // Stryker disable next-line ConditionalExpression,BooleanLiteral: equivalent for `false`, a caller (createCaller) throws every failure as a TRPCError, wrapping any other error in one
  if (!(error instanceof TRPCError)) return internalError();
  // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent, a ZodError is the cause of the BAD_REQUEST that trpc.ts's badInput builds, and of no other error
  if (error.code === 'BAD_REQUEST' && error.cause instanceof ZodError)
    return validationError(error.cause, locOf);
  if (error.code === 'NOT_FOUND') return new RestError(404, { detail: NOT_FOUND_DETAIL });
  if (error.code === 'INTERNAL_SERVER_ERROR') return internalError();
  const status = getHTTPStatusCodeFromError(error);
  const headers: Record<string, string> =
    status === 401
      ? { 'WWW-Authenticate': 'Bearer' }
      : status === 503
        ? { 'Retry-After': String(RETRY_AFTER_SECONDS) }
        : {};
  return new RestError(status, { detail: error.message }, headers);
}

/** Never the error's own text: it may hold SQL or driver messages. */
export function internalError(): RestError {
  return new RestError(500, { detail: GENERIC_INTERNAL_MESSAGE });
}
