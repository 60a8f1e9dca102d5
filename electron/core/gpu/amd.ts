// AMD: device totals and use from amdgpu's sysfs (mem_info_*), each
// process's VRAM and GTT from DRM fdinfo (driver amdgpu; the drm-memory-*
// keys need kernel 5.19 or later). On an APU the model lives in GTT.
import type { GpuMemory } from '../../common/state.js';
import { AmdGpuReader } from './amd-sysfs.js';
import { type DrmClientScan, vramGtt } from './drm-fdinfo.js';
import type { GpuProcessUse, GpuSource, GpuSourceOptions } from './source.js';
import { DrmCards } from './drm-cards.js';

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

/** The clients of the drivers `mine` accepts, as use per process and device. */
export function fromClients(drm: DrmClientScan, cards: DrmCards, pids: readonly number[], mine: (driver: string) => boolean): GpuProcessUse[] {
  const out: GpuProcessUse[] = [];
  for (const c of drm.clients(pids)) {
    if (!mine(c.driver)) continue;
    const { vram, gtt } = vramGtt(c);
    if (vram === 0 && gtt === 0) continue;
    out.push({ pid: c.pid, device: cards.cardOf(c.pdev), vram, gtt });
  }
  return out;
}
