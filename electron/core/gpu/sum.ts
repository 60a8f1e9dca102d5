// A process tree's GPU use from the per-process readings.
import type { GpuUse } from '../../common/gpu.js';
import type { GpuProcessUse } from './source.js';

/** Use per device, summed over a set of pids (a backend's tree): bytes of VRAM and GTT by device id. */
export function sumGpuUse(processes: readonly GpuProcessUse[], pids: ReadonlySet<number> | readonly number[]): GpuUse[] {
  const set = pids instanceof Set ? pids : new Set(pids as readonly number[]);
  const by = new Map<string, GpuUse>();
  for (const p of processes) {
    if (!set.has(p.pid)) continue;
    const d = by.get(p.device) ?? { device: p.device, vram: 0, gtt: 0 };
    d.vram += p.vram;
    d.gtt += p.gtt;
    by.set(p.device, d);
  }
  return [...by.values()].sort((a, b) => a.device.localeCompare(b.device));
}
