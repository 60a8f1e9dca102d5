// Each backend's resident memory over the last few minutes of samples, so an
// OOM kill can be told which backend held the most at its time — the sample
// just before the kill, not whatever is left after it. A kill older than
// these samples (a backlog read at start-up) gets no answer rather than a
// guess from today's figures.
import type { Consumer } from '../../oom/attribute.js';

export class RecentConsumers {
  private readonly samples: { time: number; consumers: readonly Consumer[] }[] = [];
  /** How far before a kill a sample may be and still describe it. */
  private readonly maxGapMs: number;
  private readonly keepMs: number;

  constructor(intervalMs: number) {
    this.maxGapMs = 2 * intervalMs + 5_000;
    this.keepMs = Math.max(120_000, 4 * this.maxGapMs);
  }

  record(time: number, consumers: readonly Consumer[]): void {
    this.samples.push({ time, consumers });
    while (this.samples.length > 1 && this.samples[0]!.time < time - this.keepMs) this.samples.shift();
  }

  /** The backends' memory at the last sample before `time`; null when none is close enough (or the time is unknown). */
  at(time: number | null): readonly Consumer[] | null {
    if (time === null) return null;
    for (let i = this.samples.length - 1; i >= 0; i--) {
      const s = this.samples[i]!;
      if (s.time > time) continue;
      return s.time >= time - this.maxGapMs ? s.consumers : null;
    }
    return null;
  }
}
