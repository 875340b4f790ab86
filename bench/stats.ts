/** Timing helpers shared by the benchmarks. */

export const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

/** Runs `prepare` (untimed) then `measured` (timed) `runs` times; returns milliseconds. */
export async function sample(
  runs: number,
  measured: () => Promise<unknown>,
  prepare: () => Promise<unknown> = async () => {},
): Promise<number[]> {
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    await prepare();
    const started = performance.now();
    await measured();
    samples.push(performance.now() - started);
  }
  return samples;
}

export const ms = (value: number) => `${value.toFixed(2)} ms`;

export function printTable(title: string, rows: Record<string, string | number>[]): void {
  console.log(`\n${title}`);
  console.table(rows);
}

/**
 * SQL that inserts `rows` deterministic songs inside the database (no client round trips):
 * names `${name}<i>`, `artists` distinct artists, createdAt `step` apart, then ANALYZE.
 */
export const fillSongsSql = (rows: number, options: { artists: number; name: string; step: string }) => `
  INSERT INTO songs (id, name, artist, streams, released_on, created_at, updated_at)
  SELECT gen_random_uuid(), '${options.name}' || i, 'Artist ' || (i % ${options.artists}), (i % 9973) / 1000.0,
         DATE '1960-01-01' + (i % 23000), TIMESTAMPTZ '2026-01-01' + i * INTERVAL '${options.step}', now()
  FROM generate_series(1, ${rows}) AS i;
  ANALYZE songs;`;
