-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateTable
CREATE TABLE "songs" (
    "id" UUID NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "artist" VARCHAR(200) NOT NULL,
    "streams" DOUBLE PRECISION NOT NULL,
    "released_on" DATE NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "songs_pkey" PRIMARY KEY ("id"),
    -- Not expressible in schema.prisma: a last line of defence behind the zod schemas for
    -- writers that bypass them (bulk import). `< 'Infinity'` also rejects NaN, which
    -- PostgreSQL sorts above every number.
    CONSTRAINT "songs_streams_check" CHECK ("streams" >= 0 AND "streams" < 'Infinity'::float8)
);

-- CreateIndex
CREATE UNIQUE INDEX "songs_name_artist_key" ON "songs"("name", "artist");

-- CreateIndex
CREATE INDEX "songs_name_id_idx" ON "songs"("name", "id");

-- CreateIndex
CREATE INDEX "songs_artist_id_idx" ON "songs"("artist", "id");

-- CreateIndex
CREATE INDEX "songs_streams_id_idx" ON "songs"("streams", "id");

-- CreateIndex
CREATE INDEX "songs_released_on_id_idx" ON "songs"("released_on", "id");

-- CreateIndex
CREATE INDEX "songs_created_at_id_idx" ON "songs"("created_at", "id");

-- CreateIndex
CREATE INDEX "songs_name_trgm_idx" ON "songs" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "songs_artist_trgm_idx" ON "songs" USING GIN ("artist" gin_trgm_ops);
