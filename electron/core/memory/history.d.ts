import { type History } from '../../common/state.js';
/** A ring of timestamped rows with named columns (created on first use). */
export declare class RingSeries {
    readonly capacity: number;
    readonly resolution: number;
    private readonly t;
    private readonly cols;
    /** Next slot to write. */
    private head;
    private count;
    constructor(capacity: number, resolution: number);
    get length(): number;
    /** Time of the newest row, or null when empty. */
    get lastTime(): number | null;
    /**
     * Append a row at time `time` (seconds). A row at the same time as the
     * newest replaces it; a time older than the newest is ignored (clock went back).
     */
    push(time: number, values: Readonly<Record<string, number | null>>): void;
    seriesNames(): string[];
    /** Columnar export, oldest first; rows with t > since only; series limited to `series` when given. */
    export(opts?: {
        series?: readonly string[];
        since?: number;
    }): History;
}
export interface MemoryHistoryOptions {
    /** Rows of the fine tier (default 3600 = an hour at 1 s). */
    hourSlots?: number;
    /** Seconds per coarse bucket (default 60). */
    bucketSeconds?: number;
    /** Rows of the coarse tier (default 1440 = a day of minutes). */
    daySlots?: number;
}
/**
 * Two tiers: every sample (1 s) for the last hour, and for a day one row per
 * minute holding each series' worst value in that minute (see worstOf: the
 * peak, or the dip of MemAvailable), not its average. Worst values of
 * different series may come from different seconds, so a stack of backend
 * peaks can exceed what was ever resident at one instant. A minute bucket is
 * written to the day tier when the first sample of the next minute arrives,
 * so the day export has complete buckets only.
 */
export declare class MemoryHistory {
    readonly hour: RingSeries;
    readonly day: RingSeries;
    private readonly bucketSeconds;
    private bucketStart;
    /** Worst value so far in the open bucket, per series. */
    private readonly worst;
    constructor(opts?: MemoryHistoryOptions);
    record(timeSec: number, values: Readonly<Record<string, number | null>>): void;
    export(range: 'hour' | 'day', opts?: {
        series?: readonly string[];
        since?: number;
    }): History;
    private flush;
}
