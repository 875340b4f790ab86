/**
 * One process per PGlite data folder. PGlite is PostgreSQL in single-user mode inside this
 * process: it takes no lock of its own, and a second process on the same folder (a server and
 * `npm run import`, say) would corrupt it. So the folder gets a lock file naming its owner's pid.
 */
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

const LOCK_FILE = 'songs-api.lock';

/**
 * Folders this process holds. A lock file naming this process's pid but not listed here is stale:
 * in a container the server is often pid 1 in every incarnation.
 */
const heldHere = new Set<string>();

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the folder's lock, creating the folder if need be (a stale one, left by a process that died, is taken over); returns its release. */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true }); // a new folder is locked before PGlite fills it
  const file = path.join(dataDir, LOCK_FILE);
  const take = () => writeFileSync(file, String(process.pid), { flag: 'wx' });
  try {
    take();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = Number.parseInt(readFileSync(file, 'utf8'), 10);
    const held = owner === process.pid ? heldHere.has(file) : Number.isInteger(owner) && isRunning(owner);
    if (held) {
      throw new DataDirInUseError(
        `The PGlite folder ${dataDir} is in use by process ${owner}. PGlite serves one process at a ` +
          'time: stop that process first (or use PostgreSQL to share a database).',
      );
    }
    unlinkSync(file);
    take(); // 'wx' again: of two processes taking over the same stale lock, one wins
  }
  heldHere.add(file);
  return () => {
    heldHere.delete(file);
    try {
      if (readFileSync(file, 'utf8') === String(process.pid)) unlinkSync(file);
    } catch {
      // Already gone: nothing to release.
    }
  };
}
