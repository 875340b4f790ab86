/**
 * @songs-api/client/schemas: the server's own zod input schemas, for frontends that validate a form
 * before sending it (`songCreateSchema.safeParse(values)` gives the errors the server would).
 * Kept out of the main entry so that a client that does not validate pulls in no zod at all.
 */
export {
  ORDER_BY_MAX_KEYS,
  orderBySchema,
  PAGE_LIMIT_DEFAULT,
  PAGE_LIMIT_MAX,
  SORT_FIELDS,
  songByIdInput,
  songCreateSchema,
  songDeleteInput,
  songFilterSchema,
  songIdSchema,
  songInfiniteInput,
  songInfiniteOutput,
  songListInput,
  songListOutput,
  songPatchSchema,
  songSchema,
  songUpdateInput,
  TEXT_MAX_LENGTH,
} from '../../src/songs/schemas.js';
