/**
 * Builds the database every test file copies, once per `vitest run` (see throwaway-database.ts):
 * a migrated PGlite snapshot, or with TEST_DATABASE_URL a migrated PostgreSQL template.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import {
  buildPgliteSnapshot,
  buildPostgresTemplate,
  type DatabaseSource,
  dropPostgresTemplate,
} from './throwaway-database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseSource: DatabaseSource;
  }
}

export default async function setup(project: TestProject) {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const source = await buildPostgresTemplate(serverUrl);
    project.provide('databaseSource', source);
    return () => dropPostgresTemplate(source as DatabaseSource & { kind: 'postgres' });
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'songs-test-'));
  project.provide('databaseSource', await buildPgliteSnapshot(path.join(dir, 'migrated.tar')));
  return () => rm(dir, { recursive: true, force: true });
}
