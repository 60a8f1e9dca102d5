// When the pressure guard acts: a pure judge over readings of the machine
// (PSI full avg10 and MemAvailable, the machine being the host or the
// memory cgroup Vigil runs in). Pressure is either threshold crossed; it
// must hold for `forMs` without a break before the verdict is "act", and
// after an act the next waits `cooldownMs` (the freed memory takes a moment
// to show in the figures). The reason is in numbers: the worst pressure and
// the least MemAvailable seen while it held.
import { formatBytes } from '../../common/format.js';

export interface Reading {
  /** ms (any monotonic clock). */
  t: number;
  /** PSI memory full avg10 (%), null when the machine has none (cgroup v1). */
  psiFullAvg10: number | null;
  available: number;
  total: number;
}

export interface Thresholds {
  psiFullAbove: number | null;
  memAvailableBelow: { percent: number } | { bytes: number } | null;
  forMs: number;
  cooldownMs: number;
}

export interface Figures {
  /** How long the pressure has held, ms. */
  heldMs: number;
  /** Highest PSI full avg10 seen while it held; null without PSI. */
  psiFullAvg10: number | null;
  /** Least MemAvailable seen while it held. */
  available: number;
  total: number;
  /** Which thresholds were crossed. */
  by: ('psi' | 'memAvailable')[];
}

export type Verdict = { act: false; holding: Figures | null } | { act: true; figures: Figures; reason: string };

export function availableFloor(t: Thresholds, total: number): number | null {
  const b = t.memAvailableBelow;
  if (!b) return null;
  return 'bytes' in b ? b.bytes : (total * b.percent) / 100;
}

/** "memory pressure 38 % for 4 s, MemAvailable 290 MiB" */
export function describeFigures(f: Figures): string {
  const secs = f.heldMs >= 10_000 ? Math.round(f.heldMs / 1000) : Math.round(f.heldMs / 100) / 10;
  const parts: string[] = [];
  if (f.psiFullAvg10 !== null) parts.push(`memory pressure ${Math.round(f.psiFullAvg10)} % for ${secs} s`);
  const pct = f.total > 0 ? ` (${((f.available / f.total) * 100).toFixed(1)} % of ${formatBytes(f.total)})` : '';
  parts.push(`${f.psiFullAvg10 === null ? `for ${secs} s, ` : ''}MemAvailable ${formatBytes(f.available)}${pct}`);
  return parts.join(', ');
}

export class PressureJudge {
  private since: number | null = null;
  private worst: { psi: number | null; available: number; by: Set<'psi' | 'memAvailable'> } | null = null;
  private quietUntil = -Infinity;

  constructor(private t: Thresholds) {}

  setThresholds(t: Thresholds): void {
    this.t = t;
  }

  /** Crossed thresholds of one reading (none: no pressure). */
  crossed(r: Reading): ('psi' | 'memAvailable')[] {
    const out: ('psi' | 'memAvailable')[] = [];
    if (this.t.psiFullAbove !== null && r.psiFullAvg10 !== null && r.psiFullAvg10 >= this.t.psiFullAbove) out.push('psi');
    const floor = availableFloor(this.t, r.total);
    if (floor !== null && r.available <= floor) out.push('memAvailable');
    return out;
  }

  push(r: Reading): Verdict {
    const by = this.crossed(r);
    if (by.length === 0) {
      this.since = null;
      this.worst = null;
      return { act: false, holding: null };
    }
    if (this.since === null || this.worst === null) {
      this.since = r.t;
      this.worst = { psi: r.psiFullAvg10, available: r.available, by: new Set() };
    }
    const w = this.worst;
    if (r.psiFullAvg10 !== null) w.psi = w.psi === null ? r.psiFullAvg10 : Math.max(w.psi, r.psiFullAvg10);
    w.available = Math.min(w.available, r.available);
    for (const b of by) w.by.add(b);
    const figures: Figures = { heldMs: r.t - this.since, psiFullAvg10: w.psi, available: w.available, total: r.total, by: [...w.by] };
    if (figures.heldMs < this.t.forMs || r.t < this.quietUntil) return { act: false, holding: figures };
    this.since = null;
    this.worst = null;
    this.quietUntil = r.t + this.t.cooldownMs;
    return { act: true, figures, reason: describeFigures(figures) };
  }

  /** ms until the held pressure would act (0: now), or null when none holds. */
  dueIn(now: number): number | null {
    if (this.since === null) return null;
    return Math.max(0, this.since + this.t.forMs - now, this.quietUntil - now);
  }
}
