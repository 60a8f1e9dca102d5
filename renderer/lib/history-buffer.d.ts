import type { History } from '../../electron/common/state.js';
export interface HistoryBuffer {
    /** Seconds since epoch, ascending. */
    t: number[];
    series: Map<string, (number | null)[]>;
    /** Oldest time kept, relative to the newest sample. */
    windowSec: number;
}
export declare function createHistoryBuffer(windowSec: number): HistoryBuffer;
/** Newest sample time, for the next poll's `since`; undefined when empty. */
export declare function lastTime(buf: HistoryBuffer): number | undefined;
/**
 * Appends the samples of `h` newer than the buffer's last one, fills series
 * that are missing on either side with nulls, and drops samples older than the
 * window. Returns true when anything changed (a redraw is due).
 */
export declare function appendHistory(buf: HistoryBuffer, h: History): boolean;
/**
 * Cumulative sums of `cols` (series 0, 0+1, 0+1+2 …) for a stacked area
 * chart: the top line is the tree's total. Nulls count as 0 — every band
 * needs the edge below it, even where the series under it has no process —
 * but a point where every column is null stays null (no sample → gap, not a
 * drop to zero). Which points a series has a value of its own is for
 * `ownRuns` to say.
 */
export declare function stack(cols: readonly (readonly (number | null)[])[], length: number): (number | null)[][];
/**
 * Index runs [from, to] of points between i0 and i1 where a stacked series
 * has a value of its own: its line is drawn there only. Elsewhere its sum
 * equals the one below, and a line there would show it at the size of
 * another backend (a dead backend's colour on top of a live one's line).
 */
export declare function ownRuns(own: readonly (number | null)[], i0: number, i1: number): [number, number][];
export type Reduce = 'max' | 'min';
/**
 * Shrinks aligned columns to at most `buckets` points for drawing: a chart
 * cannot show more points than it has pixels, and drawing 50 stacked series
 * of 3600+ points every poll costs more than a frame. Each bucket keeps its
 * last time and, per column, the max (peaks are what OOM hunting needs) or
 * the min (for "available" figures, dips matter). All-null buckets stay null.
 */
export declare function decimate(t: readonly number[], cols: readonly (readonly (number | null)[])[], buckets: number, reduce?: readonly Reduce[]): {
    t: number[];
    cols: (number | null)[][];
};
/**
 * Groups many stacked series into the `keep - 1` largest (by peak over the
 * buffer) plus one "others" sum: 50 coloured bands are unreadable and each
 * filled band costs a full-width canvas fill. Returns the member names of each
 * drawn series, largest first; the last group is 'others' when any were folded.
 */
export declare function groupLargest(buf: HistoryBuffer, names: readonly string[], keep: number): {
    label: string | null;
    members: string[];
}[];
/** Element-wise sum of columns; a point where all are null stays null. */
export declare function sumColumns(cols: readonly (readonly (number | null)[])[], length: number): (number | null)[];
