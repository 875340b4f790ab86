/**
 * What `--liftoff-only` (in `npm start`) costs and saves: the same Prisma model queries in two
 * fresh node processes, one with V8's default WebAssembly tiering and one with Liftoff only, each
 * warmed up then timed for 3 rounds; prints the CPU per round and the RSS after it. Prisma's query
 * compiler is WebAssembly, so this is where the flag could cost CPU.
 *
 *   node --import tsx bench/liftoff.ts     (PostgreSQL at BENCH_DATABASE_URL or 127.0.0.1)
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { openDatabase } from '../src/db/index.js';
import { POSTGRES_URL, printTable } from './stats.js';

const ROUNDS = 3;

if (process.argv[2] === '--child') {
  const db = await openDatabase(POSTGRES_URL);
  const id = '00000000-0000-4000-8000-000000000000';
  const queries = async () => {
    for (let i = 0; i < 1000; i += 1) await db.prisma.song.findUnique({ where: { id } });
    for (let i = 0; i < 200; i += 1) {
      await db.prisma.song.findMany({
        where: { name: { contains: 'x', mode: 'insensitive' } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: 5,
      });
    }
  };
  await queries(); // warm-up: the WebAssembly is compiled (and tiered up, by default) here
  const rounds = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const before = process.cpuUsage();
    await queries();
    const cpu = process.cpuUsage(before);
    rounds.push({ cpuMs: (cpu.user + cpu.system) / 1000, rssMb: process.memoryUsage().rss / 2 ** 20 });
  }
  await db.close();
  console.log(JSON.stringify(rounds));
} else {
  const run = promisify(execFile);
  const rows: Record<string, string | number>[] = [];
  for (const flags of [[], ['--liftoff-only']]) {
    const { stdout } = await run(process.execPath, [
      ...flags,
      '--import',
      'tsx',
      import.meta.filename,
      '--child',
    ]);
    const rounds = JSON.parse(stdout.trim().split('\n').at(-1) as string) as {
      cpuMs: number;
      rssMb: number;
    }[];
    rounds.forEach(({ cpuMs, rssMb }, index) => {
      rows.push({
        flags: flags.join(' ') || '(default)',
        round: index + 1,
        'CPU ms (1,200 queries)': cpuMs.toFixed(0),
        'RSS MB': rssMb.toFixed(0),
      });
    });
  }
  printTable('Prisma model queries under V8’s default WebAssembly tiers and under Liftoff only', rows);
}
