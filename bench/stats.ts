// Tiny statistics helpers shared by every bench/*.bench.ts.

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((acc, x) => acc + x, 0) / (s.length || 1);
  return { n: s.length, min: s[0] ?? Number.NaN, p50: percentile(s, 50), p99: percentile(s, 99), mean, max: s.at(-1) ?? Number.NaN };
}

/** Nanoseconds since an arbitrary origin, as a number (precise to well under 1 µs over hours). */
export const nowNs = (): number => Number(process.hrtime.bigint());

/**
 * Time each call of fn separately (in µs) after `warmup` untimed calls.
 * Each sample includes one hrtime read (tens of ns): measure an empty
 * function with the same helper to see that floor.
 */
export function timeCalls(fn: () => unknown, iterations: number, warmup = Math.min(1000, iterations)): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const out = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    out[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  return out;
}

/** Format a number with a fixed number of significant decimals for tables. */
export const fmt = (x: number, digits = 2): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

/** A markdown table from a header row and rows of cells. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
