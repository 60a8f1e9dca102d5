// Intel: each process's memory from DRM fdinfo (drivers i915 and xe:
// drm-total/resident-<region> since kernel 6.8 for i915, from the start for
// xe). Local memory (local0, vram0) is VRAM; system memory the GPU maps is
// GTT. The drivers publish no device totals in sysfs, so no device figures.
import type { GpuMemory } from '../../common/state.js';
import { fromClients, type DrmCards } from './drm-cards.js';
import type { DrmClientScan } from './drm-fdinfo.js';
import type { GpuProcessUse, GpuSource } from './source.js';

export function intelSource(drm: DrmClientScan, cards: DrmCards): GpuSource {
  return {
    name: 'intel',
    status: () => 'DRM fdinfo (per process; no device totals)',
    readDevices: (): Promise<GpuMemory[]> => Promise.resolve([]),
    readProcesses: (pids): Promise<GpuProcessUse[]> => Promise.resolve(fromClients(drm, cards, pids, (d) => d === 'i915' || d === 'xe')),
    close: () => {},
  };
}
