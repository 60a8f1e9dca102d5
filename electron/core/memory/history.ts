// Ring buffers for charts. Value columns are Float32Arrays with NaN for "no
// sample": a chart needs 7 significant digits at most (a byte count is kept
// to within 1 part in 16 million), so an hour and a day of 50 backends cost
// about 1 MiB and no per-sample objects. Times stay Float64 (epoch seconds).
import { worstOf, type History } from '../../common/state.js';

/** A ring of timestamped rows with named columns (created on first use). */
export class RingSeries {
  private readonly t: Float64Array;
  private readonly cols = new Map<string, Float32Array>();
  /** Next slot to write. */
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number, readonly resolution: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new Error(`RingSeries: capacity must be a positive integer, got ${capacity}`);
    this.t = new Float64Array(capacity).fill(Number.NaN);
  }

  get length(): number {
    return this.count;
  }

  /** Time of the newest row, or null when empty. */
  get lastTime(): number | null {
    return this.count ? this.t[(this.head - 1 + this.capacity) % this.capacity]! : null;
  }

  /**
   * Append a row at time `time` (seconds). A row at the same time as the
   * newest replaces it; a time older than the newest is ignored (clock went back).
   */
  push(time: number, values: Readonly<Record<string, number | null>>): void {
    const last = this.lastTime;
    if (last !== null && time < last) return;
    let slot: number;
    if (last !== null && time === last) {
      slot = (this.head - 1 + this.capacity) % this.capacity;
    } else {
      slot = this.head;
      this.head = (this.head + 1) % this.capacity;
      if (this.count < this.capacity) this.count++;
    }
    this.t[slot] = time;
    for (const col of this.cols.values()) col[slot] = Number.NaN;
    for (const name in values) {
      const v = values[name];
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      let col = this.cols.get(name);
      if (!col) {
        col = new Float32Array(this.capacity).fill(Number.NaN);
        this.cols.set(name, col);
      }
      col[slot] = v;
    }
  }

  seriesNames(): string[] {
    return [...this.cols.keys()];
  }

  /** Columnar export, oldest first; rows with t > since only; series limited to `series` when given. */
  export(opts: { series?: readonly string[]; since?: number } = {}): History {
    const names = opts.series ? [...opts.series] : this.seriesNames();
    const since = opts.since ?? Number.NEGATIVE_INFINITY;
    // Walk back from the newest row to find the first row after `since`.
    let n = 0;
    while (n < this.count && this.t[(this.head - 1 - n + 2 * this.capacity) % this.capacity]! > since) n++;
    const t: number[] = new Array<number>(n);
    const series: Record<string, (number | null)[]> = {};
    for (const name of names) series[name] = new Array<number | null>(n);
    const first = (this.head - n + this.capacity) % this.capacity;
    for (let i = 0; i < n; i++) {
      const slot = (first + i) % this.capacity;
      t[i] = this.t[slot]!;
      for (const name of names) {
        const v = this.cols.get(name)?.[slot];
        series[name]![i] = v === undefined || Number.isNaN(v) ? null : v;
      }
    }
    return { resolution: this.resolution, t, series };
  }
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
export class MemoryHistory {
  readonly hour: RingSeries;
  readonly day: RingSeries;
  private readonly bucketSeconds: number;
  private bucketStart: number | null = null;
  /** Worst value so far in the open bucket, per series. */
  private readonly worst = new Map<string, number>();

  constructor(opts: MemoryHistoryOptions = {}) {
    this.hour = new RingSeries(opts.hourSlots ?? 3600, 1);
    this.bucketSeconds = opts.bucketSeconds ?? 60;
    this.day = new RingSeries(opts.daySlots ?? 1440, this.bucketSeconds);
  }

  record(timeSec: number, values: Readonly<Record<string, number | null>>): void {
    const t = Math.floor(timeSec);
    const last = this.hour.lastTime;
    if (last !== null && t < last) return;
    this.hour.push(t, values);
    const bucket = t - (t % this.bucketSeconds);
    if (this.bucketStart !== null && bucket !== this.bucketStart) this.flush();
    this.bucketStart = bucket;
    for (const name in values) {
      const v = values[name];
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      const prev = this.worst.get(name);
      if (prev === undefined || (worstOf(name) === 'min' ? v < prev : v > prev)) this.worst.set(name, v);
    }
  }

  export(range: 'hour' | 'day', opts?: { series?: readonly string[]; since?: number }): History {
    return (range === 'hour' ? this.hour : this.day).export(opts);
  }

  private flush(): void {
    if (this.bucketStart === null) return;
    this.day.push(this.bucketStart, Object.fromEntries(this.worst));
    this.worst.clear();
  }
}
