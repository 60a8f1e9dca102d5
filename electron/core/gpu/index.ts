// The GPU sources, composed once: every vendor's devices and per-process
// use behind one read. Adding a vendor is adding its file and a line in
// VENDORS. The sampler, the fit verdict (through the sampler's state) and
// `vigil fit` all read GPUs through this.
import type { GpuMemory } from '../../common/state.js';
import { amdSource } from './amd.js';
import { DrmCards } from './drm-cards.js';
import { DrmClientScan } from './drm-fdinfo.js';
import { intelSource } from './intel.js';
import { NVML_DEFAULT, nvidiaSource } from './nvidia.js';
import { findOnPath } from './nvidia-smi.js';
import type { GpuProcessUse, GpuSource, GpuSourceOptions } from './source.js';

export type { GpuProcessUse, GpuSource, GpuSourceOptions } from './source.js';
export { AmdGpuReader, readAmdGpus } from './amd-sysfs.js';
export { findOnPath, parseNvidiaCsv, readNvidiaGpus, NVIDIA_SMI_ARGS } from './nvidia-smi.js';
export { parseDrmFdinfo, scanDrmClients, vramGtt, type DrmClient } from './drm-fdinfo.js';
export { NVML_DEFAULT } from './nvidia.js';
export { sumGpuUse } from './sum.js';

/** What the vendors share: one fdinfo pass per read, one card map. */
interface Shared {
  drm: DrmClientScan;
  cards: DrmCards;
}

const VENDORS: ((o: GpuSourceOptions, s: Shared) => GpuSource)[] = [
  (o, s) => amdSource(o, s.drm, s.cards),
  (o) => nvidiaSource(o),
  (_o, s) => intelSource(s.drm, s.cards),
];

export interface GpuReading {
  devices: GpuMemory[];
  processes: GpuProcessUse[];
}

export class GpuSources {
  constructor(readonly sources: readonly GpuSource[], private readonly onError: (e: unknown) => void = () => {}) {}

  /** Every vendor's devices, and the use of these pids; a failing vendor is reported and read as nothing. */
  async read(pids: readonly number[]): Promise<GpuReading> {
    const parts = await Promise.all(
      this.sources.map(async (s) => {
        const devices = await s.readDevices().catch((e: unknown) => (this.onError(e), [] as GpuMemory[]));
        const processes = pids.length ? await s.readProcesses(pids).catch((e: unknown) => (this.onError(e), [] as GpuProcessUse[])) : [];
        return { devices, processes };
      }),
    );
    return { devices: parts.flatMap((p) => p.devices), processes: parts.flatMap((p) => p.processes) };
  }

  /** One line per vendor: what it reads or why not. */
  statuses(): { name: string; status: string }[] {
    return this.sources.map((s) => ({ name: s.name, status: s.status() }));
  }

  close(): void {
    for (const s of this.sources) s.close();
  }
}

/** Options with the defaults filled in: NVML from VIGIL_NVML_LIBRARY or the driver's soname, nvidia-smi on PATH. */
export function gpuSourceOptions(o: Partial<Omit<GpuSourceOptions, 'nvidiaSmi'>> & { nvidiaSmi?: string | null | undefined } = {}, env: NodeJS.ProcessEnv = process.env): GpuSourceOptions {
  return {
    procRoot: o.procRoot ?? '/proc',
    sysRoot: o.sysRoot ?? '/sys',
    nvmlLibrary: o.nvmlLibrary !== undefined ? o.nvmlLibrary : env.VIGIL_NVML_LIBRARY || NVML_DEFAULT,
    nvidiaSmi: o.nvidiaSmi === undefined ? findOnPath('nvidia-smi', env.PATH ?? '') : o.nvidiaSmi,
    nvidiaTimeoutMs: o.nvidiaTimeoutMs ?? 2000,
    nvidiaRetryMs: o.nvidiaRetryMs ?? 30_000,
    hostMemory: o.hostMemory ?? (() => null),
    onError: o.onError ?? (() => {}),
  };
}

/** Every vendor's source over these options. */
export function createGpuSources(partial: Parameters<typeof gpuSourceOptions>[0] = {}, env: NodeJS.ProcessEnv = process.env): GpuSources {
  const o = gpuSourceOptions(partial, env);
  const shared: Shared = { drm: new DrmClientScan(o.procRoot, o.sysRoot, o.onError), cards: new DrmCards(o.sysRoot) };
  return new GpuSources(
    VENDORS.map((v) => v(o, shared)),
    o.onError,
  );
}

