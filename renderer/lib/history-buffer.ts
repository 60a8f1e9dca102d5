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
 * chart: the top line is the tree's total. Nulls count as 0 but a point where
 * every column is null stays null (no sample → gap, not a drop to zero).
 */
export function stack(cols: readonly (readonly (number | null)[])[], length: number): (number | null)[][] {
  const out: (number | null)[][] = [];
  const acc = new Array<number>(length).fill(0);
  const seen = new Array<boolean>(length).fill(false);
  for (const col of cols) {
    const row = new Array<number | null>(length);
    for (let i = 0; i < length; i++) {
      const v = col[i];
      if (v !== null && v !== undefined) {
        acc[i]! += v;
        seen[i] = true;
      }
      row[i] = seen[i] ? acc[i]! : null;
    }
    out.push(row);
  }
  return out;
}
