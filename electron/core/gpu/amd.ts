// AMD: device totals and use from amdgpu's sysfs (mem_info_*), each
// process's VRAM and GTT from DRM fdinfo (driver amdgpu; the drm-memory-*
// keys need kernel 5.19 or later). On an APU the model lives in GTT.
import type { GpuMemory } from '../../common/state.js';
import { AmdGpuReader } from './amd-sysfs.js';
import type { DrmClientScan } from './drm-fdinfo.js';
import type { GpuProcessUse, GpuSource, GpuSourceOptions } from './source.js';
import { fromClients, type DrmCards } from './drm-cards.js';

export function amdSource(o: GpuSourceOptions, drm: DrmClientScan, cards: DrmCards): GpuSource {
  const sysfs = new AmdGpuReader(o.sysRoot);
  return {
    name: 'amd',
    status: () => 'amdgpu sysfs (device memory) and DRM fdinfo (per process)',
    readDevices: (): Promise<GpuMemory[]> => Promise.resolve(sysfs.read()),
    readProcesses: (pids): Promise<GpuProcessUse[]> => Promise.resolve(fromClients(drm, cards, pids, (d) => d === 'amdgpu')),
    close: () => {},
  };
}
