/**
 * Provides the database every test file copies (see throwaway-database.ts): a migrated PGlite
 * snapshot, or with TEST_DATABASE_URL a migrated PostgreSQL template. Both are keyed on the
 * migrations' checksums and the fixture, and kept between runs: a run after no such change skips
 * the build.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import {
  buildPgliteSnapshot,
  buildPostgresTemplate,
  type DatabaseSource,
  dropPostgresClones,
  sourceKey,
} from './throwaway-database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseSource: DatabaseSource;
  }
}

const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/songs-api-tests/', import.meta.url));

export default async function setup(project: TestProject) {
  const key = await sourceKey();
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const source = await buildPostgresTemplate(serverUrl, `songs_test_${key}`);
    project.provide('databaseSource', source);
    return () => dropPostgresClones(source as DatabaseSource & { kind: 'postgres' });
  }
  const snapshotFile = path.join(CACHE_DIR, `migrated-${key}.tar`);
  if (!existsSync(snapshotFile)) {
    await mkdir(CACHE_DIR, { recursive: true });
    // Written aside and renamed: a run never reads a half-written snapshot.
    const building = `${snapshotFile}.${process.pid}`;
    await buildPgliteSnapshot(building);
    await rename(building, snapshotFile);
    await pruneSnapshots(snapshotFile);
  }
  project.provide('databaseSource', { kind: 'pglite', snapshotFile });
}

/** Snapshots of other keys (older migrations) go once no run has touched them for a day. */
async function pruneSnapshots(keep: string): Promise<void> {
  const dayAgo = Date.now() - 24 * 60 * 60 * 1000;
  for (const name of await readdir(CACHE_DIR)) {
    const file = path.join(CACHE_DIR, name);
    if (file !== keep && (await stat(file)).atimeMs < dayAgo) await rm(file, { force: true });
  }
}
