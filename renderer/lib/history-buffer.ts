// Columnar sample buffer for the charts, fed by incremental getHistory polls.
// Mutated in place (no copies per sample) so a day of 1 s samples for 50
// backends can be appended every second and handed to uPlot's setData.
import type { History } from '../../electron/common/state.js';

export interface HistoryBuffer {
  /** Seconds since epoch, ascending. */
  t: number[];
  series: Map<string, (number | null)[]>;
  /** Oldest time kept, relative to the newest sample. */
  windowSec: number;
}

export function createHistoryBuffer(windowSec: number): HistoryBuffer {
  return { t: [], series: new Map(), windowSec };
}

/** Newest sample time, for the next poll's `since`; undefined when empty. */
export function lastTime(buf: HistoryBuffer): number | undefined {
  return buf.t.length ? buf.t[buf.t.length - 1] : undefined;
}

/**
 * Appends the samples of `h` newer than the buffer's last one, fills series
 * that are missing on either side with nulls, and drops samples older than the
 * window. Returns true when anything changed (a redraw is due).
 */
export function appendHistory(buf: HistoryBuffer, h: History): boolean {
  const last = lastTime(buf);
  let first = 0;
  if (last !== undefined) while (first < h.t.length && h.t[first]! <= last) first++;
  const added = h.t.length - first;
  let changed = false;

  // A series seen for the first time gets nulls for the past it was absent.
  for (const name of Object.keys(h.series)) {
    if (!buf.series.has(name)) {
      buf.series.set(name, new Array<number | null>(buf.t.length).fill(null));
      changed = true;
    }
  }
  if (added > 0) {
    for (let i = first; i < h.t.length; i++) buf.t.push(h.t[i]!);
    for (const [name, col] of buf.series) {
      const src = h.series[name];
      for (let i = first; i < h.t.length; i++) col.push(src ? (src[i] ?? null) : null);
    }
    changed = true;
  }
  changed = trim(buf) || changed;
  return changed;
}

/** Drops samples older than the window; amortised (only once 5 % is stale). */
function trim(buf: HistoryBuffer): boolean {
  const newest = lastTime(buf);
  if (newest === undefined) return false;
  const cutoff = newest - buf.windowSec;
  let drop = 0;
  while (drop < buf.t.length && buf.t[drop]! < cutoff) drop++;
  if (drop === 0 || drop < Math.max(1, buf.t.length * 0.05)) return false;
  buf.t.splice(0, drop);
  for (const col of buf.series.values()) col.splice(0, drop);
  return true;
}

/**
 * Cumulative sums of `cols` (series 0, 0+1, 0+1+2 …) for a stacked area
 * chart: the top line is the tree's total. Nulls count as 0 — every band
 * needs the edge below it, even where the series under it has no process —
 * but a point where every column is null stays null (no sample → gap, not a
 * drop to zero). Which points a series has a value of its own is for
 * `ownRuns` to say.
 */
export function stack(cols: readonly (readonly (number | null)[])[], length: number): (number | null)[][] {
  const any = new Array<boolean>(length).fill(false);
  for (const col of cols) for (let i = 0; i < length; i++) if (col[i] !== null && col[i] !== undefined) any[i] = true;
  const out: (number | null)[][] = [];
  const acc = new Array<number>(length).fill(0);
  for (const col of cols) {
    const row = new Array<number | null>(length);
    for (let i = 0; i < length; i++) {
      acc[i]! += col[i] ?? 0;
      row[i] = any[i] ? acc[i]! : null;
    }
    out.push(row);
  }
  return out;
}

/**
 * Index runs [from, to] of points between i0 and i1 where a stacked series
 * has a value of its own: its line is drawn there only. Elsewhere its sum
 * equals the one below, and a line there would show it at the size of
 * another backend (a dead backend's colour on top of a live one's line).
 */
export function ownRuns(own: readonly (number | null)[], i0: number, i1: number): [number, number][] {
  const runs: [number, number][] = [];
  let from = -1;
  for (let i = i0; i <= i1 + 1; i++) {
    const has = i <= i1 && own[i] !== null && own[i] !== undefined;
    if (has && from < 0) from = i;
    else if (!has && from >= 0) {
      runs.push([from, i - 1]);
      from = -1;
    }
  }
  return runs;
}

export type Reduce = 'max' | 'min';

/**
 * Shrinks aligned columns to at most `buckets` points for drawing: a chart
 * cannot show more points than it has pixels, and drawing 50 stacked series
 * of 3600+ points every poll costs more than a frame. Each bucket keeps its
 * last time and, per column, the max (peaks are what OOM hunting needs) or
 * the min (for "available" figures, dips matter). All-null buckets stay null.
 */
export function decimate(
  t: readonly number[],
  cols: readonly (readonly (number | null)[])[],
  buckets: number,
  reduce: readonly Reduce[] = [],
): { t: number[]; cols: (number | null)[][] } {
  const n = t.length;
  if (n <= buckets || buckets < 1) return { t: t.slice(), cols: cols.map((c) => c.slice(0, n)) };
  const size = n / buckets;
  const outT = new Array<number>(buckets);
  const outCols = cols.map(() => new Array<number | null>(buckets));
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor(b * size);
    const to = Math.min(n, Math.floor((b + 1) * size));
    outT[b] = t[to - 1]!;
    for (let c = 0; c < cols.length; c++) {
      const col = cols[c]!;
      const min = reduce[c] === 'min';
      let acc: number | null = null;
      for (let i = from; i < to; i++) {
        const v = col[i];
        if (v === null || v === undefined) continue;
        if (acc === null || (min ? v < acc : v > acc)) acc = v;
      }
      outCols[c]![b] = acc;
    }
  }
  return { t: outT, cols: outCols };
}

/**
 * Groups many stacked series into the `keep - 1` largest (by peak over the
 * buffer) plus one "others" sum: 50 coloured bands are unreadable and each
 * filled band costs a full-width canvas fill. Returns the member names of each
 * drawn series, largest first; the last group is 'others' when any were folded.
 */
export function groupLargest(buf: HistoryBuffer, names: readonly string[], keep: number): { label: string | null; members: string[] }[] {
  if (names.length <= keep) return names.map((n) => ({ label: null, members: [n] }));
  const peak = (n: string): number => (buf.series.get(n) ?? []).reduce<number>((m, v) => (v !== null && v > m ? v : m), 0);
  const ranked = [...names].sort((a, b) => peak(b) - peak(a));
  const top = ranked.slice(0, keep - 1);
  const rest = ranked.slice(keep - 1);
  return [...names.filter((n) => top.includes(n)).map((n) => ({ label: null, members: [n] })), { label: `${rest.length} others`, members: rest }];
}

/** Element-wise sum of columns; a point where all are null stays null. */
export function sumColumns(cols: readonly (readonly (number | null)[])[], length: number): (number | null)[] {
  if (cols.length === 1) return cols[0]!.slice(0, length);
  const out = new Array<number | null>(length).fill(null);
  for (const col of cols) {
    for (let i = 0; i < length; i++) {
      const v = col[i];
      if (v !== null && v !== undefined) out[i] = (out[i] ?? 0) + v;
    }
  }
  return out;
}
