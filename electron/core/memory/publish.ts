// When a new sample is worth a state snapshot. The sampler records every
// sample into the history (the charts), but the state — pushed whole to
// every window on each change — gets a figure only when it moved by what the
// dashboard can show: a backend's RSS drifting by a few KiB each second is
// not news, and with 50 backends it made every tick 50 updates. A sample
// that moves nothing the dashboard shows is no update at all, however old the
// published one is: the figures on screen are still true, and an idle Vigil
// sends its dashboards nothing.
import type { GpuMemory, GpuUse, MemoryBreakdown, SystemMemory } from '../../common/state.js';

const MIB = 1024 * 1024;
/** A byte figure moved when it changed by this much… */
const MIN_BYTES = MIB;
/** …and by this share of its previous value (or of the total, for system figures). */
const MIN_SHARE = 0.005;
/** PSI avg10 is given with two decimals; a tenth of a percent is a move. */
const MIN_PSI = 0.1;

/** A byte figure moved by what the dashboard can show: MIN_BYTES and MIN_SHARE of `scale`. */
export const movedBytes = (a: number | null, b: number | null, scale: number): boolean => {
  if (a === null || b === null) return a !== b;
  return Math.abs(a - b) >= Math.max(MIN_BYTES, MIN_SHARE * scale);
};

/** A backend's memory moved noticeably (any figure, or the process count). */
export function backendMemoryMoved(prev: MemoryBreakdown | null, next: MemoryBreakdown | null): boolean {
  if (prev === null || next === null) return prev !== next;
  if (prev.processes !== next.processes) return true;
  const keys = ['rss', 'anon', 'file', 'shmem', 'swap', 'pss'] as const;
  return keys.some((k) => movedBytes(prev[k], next[k], Math.abs(prev[k] ?? 0))) || gpuUseMoved(prev.gpu, next.gpu);
}

/** A tree's GPU use moved: a device came or went, or a figure moved by what the dashboard shows. */
export function gpuUseMoved(prev: readonly GpuUse[] | undefined, next: readonly GpuUse[] | undefined): boolean {
  const a = prev ?? [];
  const b = next ?? [];
  if (a.length !== b.length) return true;
  return b.some((g, i) => {
    const p = a[i]!;
    return p.device !== g.device || movedBytes(p.vram, g.vram, p.vram) || movedBytes(p.gtt, g.gtt, p.gtt);
  });
}

/** System memory or GPU figures moved noticeably. */
export function systemMemoryMoved(prev: { system: SystemMemory | null; gpus: GpuMemory[] }, next: { system: SystemMemory | null; gpus: GpuMemory[] }): boolean {
  const a = prev.system;
  const b = next.system;
  if (a === null || b === null) {
    if (a !== b) return true;
  } else {
    if (a.memTotal !== b.memTotal || a.swapTotal !== b.swapTotal) return true;
    if (movedBytes(a.memAvailable, b.memAvailable, b.memTotal) || movedBytes(a.swapFree, b.swapFree, b.swapTotal)) return true;
    if ((a.psi === null) !== (b.psi === null)) return true;
    if (a.psi && b.psi) {
      const keys = ['someAvg10', 'someAvg60', 'fullAvg10', 'fullAvg60'] as const;
      if (keys.some((k) => Math.abs(a.psi![k] - b.psi![k]) >= MIN_PSI)) return true;
    }
  }
  if (prev.gpus.length !== next.gpus.length) return true;
  return next.gpus.some((g, i) => {
    const p = prev.gpus[i]!;
    return p.id !== g.id || movedBytes(p.vramUsed, g.vramUsed, g.vramTotal) || movedBytes(p.gttUsed, g.gttUsed, g.gttTotal ?? 0);
  });
}
