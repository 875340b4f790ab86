/**
 * `npm run import` as a user runs it: a child process against an embedded database in a temporary
 * directory. Exit codes, the --json object, and what a re-run does.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath, HEADER } from './support.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'songs-import-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runImport(args: string[], database = 'main'): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/import.ts', ...args],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: `pglite:${path.join(dir, database)}` } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('exit codes and --json', () => {
  it('exits 1 with the counts and row errors of a dirty file, and skips everything on a re-run', async () => {
    const first = await runImport([fixturePath('dirty.csv'), '--json']);
    expect(first.code).toBe(1);
    const report = JSON.parse(first.stdout);
    expect(report).toEqual({
      read: 8,
      imported: 2,
      updated: 0,
      skipped: 1,
      rejected: 5,
      errors: [3, 5, 6, 7, 9].map((line) => ({
        line,
        field: expect.any(String),
        message: expect.any(String),
      })),
    });

    const second = await runImport([fixturePath('dirty.csv'), '--json']);
    expect(JSON.parse(second.stdout)).toMatchObject({ read: 8, imported: 0, skipped: 3, rejected: 5 });
  });

  it('exits 0 for a clean file and prints a short human summary without --json', async () => {
    const run = await runImport([fixturePath('good.csv')], 'clean');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /Read 5 rows .*\n5 imported, 0 updated, 0 skipped \(already there\), 0 rejected\./,
    );
    // Not a terminal: no progress bar.
    expect(run.stdout).not.toMatch(/Importing/);
  });

  it('exits 1 and writes nothing with --strict', async () => {
    const strict = await runImport([fixturePath('dirty.csv'), '--strict', '--json'], 'strict');
    expect(strict.code).toBe(1);
    expect(JSON.parse(strict.stdout)).toMatchObject({ read: 8, imported: 0, rejected: 5, rolledBack: true });
    const after = await runImport([fixturePath('good.csv'), '--json', '--dry-run'], 'strict');
    // Paper Lanterns is in both files: had --strict written it, it would be skipped here.
    expect(JSON.parse(after.stdout)).toMatchObject({ imported: 5, skipped: 0, dryRun: true });
    expect(after.code).toBe(0);
  });
});

describe('usage and input', () => {
  it('exits 2 with a clear message for bad usage', async () => {
    const badHeader = path.join(dir, 'bad-header.csv');
    await writeFile(badHeader, 'name,artist,streams\na,b,1\n');
    const cases: Array<[string[], RegExp]> = [
      [[], /Name the CSV file/],
      [[path.join(dir, 'missing.csv')], /Cannot read .*missing\.csv: ENOENT/],
      [[fixturePath('good.csv'), '--frobnicate'], /Unknown option '--frobnicate'/],
      [
        [fixturePath('good.csv'), '--on-conflict', 'merge'],
        /--on-conflict must be one of skip, update, fail/,
      ],
      [[badHeader], /lacks the column releasedOn/],
    ];
    for (const [args, message] of cases) {
      const run = await runImport(args, 'usage');
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(message);
      expect(run.stdout).toBe('');
    }
  });

  it('prints usage with --help and exits 0', async () => {
    const run = await runImport(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--on-conflict <skip|update|fail>');
  });

  it('reads standard input when the file is "-"', async () => {
    const run = await new Promise<Run>((resolve) => {
      const child = execFile(
        process.execPath,
        ['--import', 'tsx', 'scripts/import.ts', '-', '--json'],
        { cwd: ROOT, env: { ...process.env, DATABASE_URL: `pglite:${path.join(dir, 'stdin')}` } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      );
      child.stdin?.end(`${HEADER}\nPiped,In,1,2020-01-01\n`);
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ read: 1, imported: 1 });
  });
});
