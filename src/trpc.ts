/**
 * tRPC for Songs API, in the order a request meets it:
 * 1. the context every procedure receives,
 * 2. the tRPC instance (transformer and error shape),
 * 3. the procedure builders that routers use.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError, ZodRealError, z } from 'zod';
import { isDevelopment } from './config.js';
import { isRetryableRead, toTRPCError } from './errors.js';
import type { PrismaClient } from './generated/prisma/client.js';
import { clientMessage } from './http/client-errors.js';
import { checkedSuperjson } from './http/envelope.js';

// 1. Context ----------------------------------------------------------------------------------

/** Who is calling: the credential's subject and the scopes it grants. */
export interface Auth {
  subject: string;
  scopes: readonly string[];
  via: 'api-key' | 'jwt';
}

/**
 * Everything a procedure may use. It holds no request object, so tests build callers directly
 * with `createCaller({ prisma, auth })` where `prisma` is bound to a throwaway database and
 * `auth` is `null` for an anonymous caller.
 */
export interface Context {
  prisma: PrismaClient;
  auth: Auth | null;
  /** The server's READ_ACCESS; absent (as in most tests) means reads are public. */
  readAccess?: 'public' | 'token';
}

// 2. Initialisation ---------------------------------------------------------------------------

/** zod's flattened form, as the contract promises it at `error.data.zodError`. */
export interface FlattenedZodError {
  formErrors: string[];
  fieldErrors: { [field: string]: string[] | undefined };
}

function flattenZodError(error: ZodError): FlattenedZodError {
  return z.flattenError(error as ZodError<Record<string, unknown>>);
}

const t = initTRPC.context<Context>().create({
  // superjson lets Dates (releasedOn, createdAt, updatedAt) cross the wire as Dates; every input
  // envelope is checked before superjson reads it (http/envelope.ts).
  transformer: checkedSuperjson,
  /**
   * Runs for every error sent over HTTP (not for createCaller: trpc/trpc#4120).
   * - Validation errors carry zod's flattened form at `data.zodError`.
   * - The message is ours, never a library's (http/client-errors.ts); unexpected errors say only
   *   "Internal server error" outside development.
   * - Stacks only in development: tRPC would add them whenever NODE_ENV is not "production".
   */
  errorFormatter({ shape, error }) {
    // Only input errors: a failed *output* validation also has a ZodError cause, but it is the
    // server's fault (INTERNAL_SERVER_ERROR), and its issues describe data, not the request.
    const zodError = error.code === 'BAD_REQUEST' && error.cause instanceof ZodError ? error.cause : null;
    const { stack, ...data } = shape.data;
    return {
      ...shape,
      message: clientMessage(error),
      data: {
        ...data,
        // Stryker disable next-line ConditionalExpression: equivalent, tRPC gives every error a stack outside production, so in development `stack` is never undefined
        ...(isDevelopment() && stack !== undefined ? { stack } : {}),
        zodError: zodError ? flattenZodError(zodError) : null,
      },
    };
  },
});

// 3. Procedure builders -----------------------------------------------------------------------

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/**
 * Maps database errors to the contract's codes (see errors.ts) for every procedure below it. A
 * query that lost its connection or a serialization race runs once more: it writes nothing, and a
 * pool whose connections a restart killed usually has fresh ones by then.
 */
const databaseErrors = t.middleware(async ({ next, type }) => {
  let result = await next();
  if (!result.ok && type === 'query' && isRetryableRead(result.error.cause)) result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error.cause);
    // Stryker disable next-line ConditionalExpression: equivalent, throwing the error the result already holds ends the call as returning that result does
    if (mapped && mapped !== result.error) throw mapped;
  }
  return result;
});

/** The base of every procedure: no authentication, database errors mapped. */
export const publicProcedure = t.procedure.use(databaseErrors);

// Access rules (docs/access.md). They run before input parsing, so a caller without the right to
// call a procedure learns nothing about its input rules.
const MISSING_CREDENTIAL = 'A credential is required: send Authorization: Bearer <API key or JWT>';
const hasScope = (auth: Auth, ...scopes: string[]) => scopes.some((scope) => auth.scopes.includes(scope));

/** Reads: public, unless READ_ACCESS=token (then `songs:read` or `songs:write`). */
export const readProcedure = publicProcedure.use(({ ctx, next }) => {
  if (ctx.readAccess !== 'token') return next();
  if (!ctx.auth) throw new TRPCError({ code: 'UNAUTHORIZED', message: MISSING_CREDENTIAL });
  if (!hasScope(ctx.auth, 'songs:read', 'songs:write')) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'This credential lacks the songs:read scope' });
  }
  // Stryker disable next-line ObjectLiteral: equivalent, ctx.auth is already in the context; passing it again only narrows its type
  return next({ ctx: { auth: ctx.auth } });
});

/** Writes: `songs:write`. Narrows `ctx.auth` to the (non-null) writer. */
export const writeProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.auth) throw new TRPCError({ code: 'UNAUTHORIZED', message: MISSING_CREDENTIAL });
  if (!hasScope(ctx.auth, 'songs:write')) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'This credential lacks the songs:write scope' });
  }
  // Stryker disable next-line ObjectLiteral: equivalent, ctx.auth is already in the context; passing it again only narrows its type
  return next({ ctx: { auth: ctx.auth } });
});

/** A BAD_REQUEST whose `zodError` names `field`, for checks that run after input parsing. */
export function badInput(field: string, message: string, input?: unknown): TRPCError {
  return new TRPCError({
    code: 'BAD_REQUEST',
    message,
    // ZodRealError, not ZodError: only the former is an `Error`, and tRPC keeps only an Error as
    // the cause (anything else is wrapped, and the formatter would find no zod error in it).
    // Stryker disable next-line StringLiteral: equivalent, a client sees an issue's path and message (flattenError, describeZodError), never its code
    cause: new ZodRealError([{ code: 'custom', path: [field], message, input }]),
  });
}
