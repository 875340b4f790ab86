/**
 * `npm run test:mutation [-- <stryker options>]`: Stryker with its incremental results kept
 * gzipped in git. Stryker reads and writes them as plain JSON, with the text of every mutated file
 * and test file in it (3.5 MB for 18 files, 0.2 MB gzipped), so the committed
 * `tests/mutation/incremental.json.gz` is unpacked to Stryker's file (under the ignored reports/)
 * before the run, and packed again after it, whether the run passed or not.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

const COMMITTED = 'tests/mutation/incremental.json.gz';
const STRYKER_FILE = 'reports/mutation/incremental.json'; // stryker.config.mjs's incrementalFile

if (existsSync(COMMITTED)) {
  mkdirSync(dirname(STRYKER_FILE), { recursive: true });
  writeFileSync(STRYKER_FILE, gunzipSync(readFileSync(COMMITTED)));
}
const run = spawnSync('npx', ['stryker', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
if (existsSync(STRYKER_FILE)) writeFileSync(COMMITTED, gzipSync(readFileSync(STRYKER_FILE), { level: 9 }));
process.exit(run.status ?? 1);
