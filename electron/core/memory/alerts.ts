// Early memory warnings before the OOM killer acts: low MemAvailable, PSI
// "full" stall time, a backend near its configured limit. The limit is judged
// against what the kernel enforces it on, the cgroup's charge: process RSS
// counts file pages charged elsewhere (the shared binary, a cached model) and
// memory charged before the move into the cgroup, so it can read well over a
// limit the cgroup cannot exceed. RSS is only the fallback for a backend that
// runs without its cgroup. AlertTracker turns
// the per-tick set into raise/clear events with hysteresis, so a value
// hovering at a threshold yields one event, not one per second.
import type { MemoryAlert, SystemMemory } from '../../common/state.js';

export interface AlertConfig {
  memAvailableBelowBytes?: number;
  memAvailableBelowPercent?: number;
  psiFullAvg10Above?: number;
  /** Warn when a backend's memory (cgroup usage, else RSS) is within this percent of its memoryLimit. */
  limitMarginPercent?: number;
  /** An active alert clears only once the value is this percent (relative) past its threshold on the safe side. Default 10. */
  hysteresisPercent?: number;
}

export interface AlertBackend {
  id: string;
  memoryLimit: number | null;
  /** Process-tree RSS in bytes: compared with the limit only when cgroupUsage is absent. */
  rss: number;
  /** Bytes the kernel charges to the backend's memory cgroup; null or absent without a cgroup (or when it could not be read). */
  cgroupUsage?: number | null;
  /** GPU GTT the tree holds: host RAM outside its RSS and its cgroup's charge, part of what took MemAvailable. */
  gtt?: number;
}

const MIB = 1024 * 1024;
const mib = (b: number): string => `${(b / MIB).toFixed(0)} MiB`;

/**
 * The alerts that hold for this sample. Ids in `active` are judged with the
 * relaxed (hysteresis) threshold, so they stay until clearly recovered.
 */
export function evaluateAlerts(
  cfg: AlertConfig,
  sample: { system: SystemMemory | null },
  backends: readonly AlertBackend[],
  active: ReadonlySet<string> = new Set(),
): MemoryAlert[] {
  const h = (cfg.hysteresisPercent ?? 10) / 100;
  const out: MemoryAlert[] = [];
  const sys = sample.system;
  const since = sys?.time ?? Date.now();
  if (sys) {
    const limits: number[] = [];
    if (cfg.memAvailableBelowBytes !== undefined) limits.push(cfg.memAvailableBelowBytes);
    if (cfg.memAvailableBelowPercent !== undefined) limits.push((sys.memTotal * cfg.memAvailableBelowPercent) / 100);
    if (limits.length) {
      const threshold = Math.max(...limits);
      const effective = active.has('mem-available') ? threshold * (1 + h) : threshold;
      if (sys.memAvailable < effective) {
        const pct = sys.memTotal ? (100 * sys.memAvailable) / sys.memTotal : 0;
        // GTT held by the backends is host RAM no RSS shows: name who holds it, or the warning points nowhere.
        const gtt = backends.filter((b) => (b.gtt ?? 0) > 0).sort((a, b) => b.gtt! - a.gtt!);
        const gttTotal = gtt.reduce((n, b) => n + b.gtt!, 0);
        const held = gtt.length ? `; GPU GTT (host RAM outside RSS) held by ${gtt.map((b) => `${b.id} ${mib(b.gtt!)}`).join(', ')}` : '';
        out.push({
          id: 'mem-available',
          backend: null,
          message: `Low memory: ${mib(sys.memAvailable)} available (${pct.toFixed(1)}% of ${mib(sys.memTotal)}), threshold ${mib(threshold)}${held}`,
          since,
          figures: { memAvailable: sys.memAvailable, memTotal: sys.memTotal, threshold, percentAvailable: pct, ...(gttTotal ? { backendsGtt: gttTotal } : {}) },
        });
      }
    }
    if (cfg.psiFullAvg10Above !== undefined && sys.psi) {
      const threshold = cfg.psiFullAvg10Above;
      const effective = active.has('psi-full') ? threshold * (1 - h) : threshold;
      if (sys.psi.fullAvg10 > effective) {
        out.push({
          id: 'psi-full',
          backend: null,
          message: `Memory pressure: all tasks stalled ${sys.psi.fullAvg10.toFixed(2)}% of the last 10 s (threshold ${threshold}%)`,
          since,
          figures: { fullAvg10: sys.psi.fullAvg10, fullAvg60: sys.psi.fullAvg60, someAvg10: sys.psi.someAvg10, threshold },
        });
      }
    }
  }
  if (cfg.limitMarginPercent !== undefined) {
    for (const b of backends) {
      if (b.memoryLimit === null || b.memoryLimit <= 0) continue;
      const id = `limit:${b.id}`;
      const threshold = b.memoryLimit * (1 - cfg.limitMarginPercent / 100);
      const effective = active.has(id) ? threshold * (1 - h) : threshold;
      const fromCgroup = typeof b.cgroupUsage === 'number';
      const used = b.cgroupUsage ?? b.rss;
      if (used >= effective) {
        const pct = (100 * used) / b.memoryLimit;
        out.push({
          id,
          backend: b.id,
          message: `${b.id} uses ${mib(used)} (${fromCgroup ? 'cgroup usage' : 'process RSS'}), ${pct.toFixed(1)}% of its ${mib(b.memoryLimit)} limit`,
          since,
          // The bytes compared sit under the name of their source: cgroupUsage or rss.
          figures: { used, [fromCgroup ? 'cgroupUsage' : 'rss']: used, memoryLimit: b.memoryLimit, percentOfLimit: pct, threshold },
        });
      }
    }
  }
  return out;
}

export interface AlertTransitions {
  raised: MemoryAlert[];
  cleared: MemoryAlert[];
}

export class AlertTracker {
  private readonly current = new Map<string, MemoryAlert>();

  constructor(private readonly cfg: AlertConfig) {}

  /** Evaluate a sample; report alerts that started (with their figures) and ones that cleared (with the last figures seen). */
  update(sample: { system: SystemMemory | null }, backends: readonly AlertBackend[]): AlertTransitions {
    const now = evaluateAlerts(this.cfg, sample, backends, new Set(this.current.keys()));
    const raised: MemoryAlert[] = [];
    const cleared: MemoryAlert[] = [];
    const seen = new Set<string>();
    for (const a of now) {
      seen.add(a.id);
      const prev = this.current.get(a.id);
      // Keep the start time; refresh message and figures.
      this.current.set(a.id, prev ? { ...a, since: prev.since } : a);
      if (!prev) raised.push(a);
    }
    for (const [id, a] of this.current) {
      // No system figures this tick (meminfo unreadable) is not a recovery.
      if (!sample.system && a.backend === null) continue;
      if (!seen.has(id)) {
        cleared.push(a);
        this.current.delete(id);
      }
    }
    return { raised, cleared };
  }

  /** Alerts in force now (for the state snapshot). */
  active(): MemoryAlert[] {
    return [...this.current.values()];
  }
}
