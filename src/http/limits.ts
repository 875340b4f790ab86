/** The request limits of the HTTP API (CONTRACT.md "Limits"). */

/** Largest request body tRPC will read (a batch of creates is a few KB). */
export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * Calls in one batch; over it the whole request is refused before any call runs. The client
 * package's batching link splits larger batches itself.
 */
export const MAX_BATCH_SIZE = 20;
