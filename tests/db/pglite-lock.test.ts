/** One process per PGlite folder: a second opener is refused instead of corrupting the data. */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.js';
import { DataDirInUseError, lockDataDir } from '../../src/db/pglite-lock.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'songs-lock-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const lockFile = () => path.join(dir, 'songs-api.lock');

describe('lockDataDir', () => {
  it('refuses a folder whose lock names a running process', async () => {
    await writeFile(lockFile(), String(process.ppid));
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
    expect(await readFile(lockFile(), 'utf8')).toBe(String(process.ppid));
  });

  it('takes over a lock left by a process that has exited', async () => {
    const exited = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(lockFile(), String(exited));
    const release = lockDataDir(dir);
    expect(await readFile(lockFile(), 'utf8')).toBe(String(process.pid));
    release();
  });

  it("takes over a lock naming this process's own pid that it does not hold (a restarted container's pid 1)", async () => {
    await writeFile(lockFile(), String(process.pid));
    const release = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
    release();
  });

  it('releases only its own lock', async () => {
    const release = lockDataDir(dir);
    await writeFile(lockFile(), String(process.ppid)); // someone else's by now
    release();
    expect(await readFile(lockFile(), 'utf8')).toBe(String(process.ppid));
  });
});

describe('openDatabase on pglite:<dir>', () => {
  it('refuses a second opener while the first holds the folder, and admits one after close', async () => {
    const first = await openDatabase(`pglite:${dir}`);
    await expect(openDatabase(`pglite:${dir}`)).rejects.toThrow(/is in use by process/);
    await first.close();
    const again = await openDatabase(`pglite:${dir}`);
    await again.ping();
    await again.close();
  });
});
