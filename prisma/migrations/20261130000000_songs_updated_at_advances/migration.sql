-- song.update and song.delete compare `updated_at` with the caller's `ifUpdatedAt` (optimistic
-- concurrency), so every write must move it forward. Prisma's @updatedAt sets it to the writing
-- server's clock, in milliseconds: two writes in one millisecond (or a server whose clock is
-- behind) would leave it unchanged, and a stale `ifUpdatedAt` would then still match. Not
-- expressible in schema.prisma; covers every writer, the bulk import's ON CONFLICT update too.
CREATE FUNCTION "songs_advance_updated_at"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW."updated_at" := GREATEST(NEW."updated_at", OLD."updated_at" + INTERVAL '1 millisecond');
  RETURN NEW;
END;
$$;

CREATE TRIGGER "songs_updated_at_advances"
BEFORE UPDATE ON "songs"
FOR EACH ROW EXECUTE FUNCTION "songs_advance_updated_at"();
