// NVIDIA: NVML from the driver (libnvidia-ml.so.1, or VIGIL_NVML_LIBRARY)
// for device memory and each process's use; nvidia-smi for device memory
// alone when NVML cannot be loaded; nothing, said once, without a driver.
// A device whose memory NVML reports as not available shares the host's
// memory (GB10 / DGX Spark): it is shown with the host's figures, marked so.
import { Nvml, type NvmlDeviceInfo } from '../../../native-bindings/nvml.js';
import type { GpuMemory } from '../../common/state.js';
import { readNvidiaGpus } from './nvidia-smi.js';
import type { GpuProcessUse, GpuSource, GpuSourceOptions } from './source.js';

export const NVML_DEFAULT = 'libnvidia-ml.so.1';

/** Devices are listed again every this many reads (handles, names, uuids); memory is read every time. */
const REDISCOVER_EVERY = 60;

interface Device {
  id: string;
  handle: unknown;
  info: NvmlDeviceInfo;
}

export function nvidiaSource(o: GpuSourceOptions): GpuSource {
  let nvml: Nvml | null = null;
  let status: string;
  if (o.nvmlLibrary === null) status = 'NVML not used';
  else {
    try {
      nvml = Nvml.open(o.nvmlLibrary);
      status = `NVML (${o.nvmlLibrary}; memory ${nvml.calls.memory ?? 'none'}, processes ${nvml.calls.processes ?? 'none'})`;
    } catch (e) {
      status = `no NVIDIA driver: ${o.nvmlLibrary} could not be loaded (${(e as Error).message.split('\n')[0]})`;
    }
  }
  const smi = nvml ? null : o.nvidiaSmi;
  if (!nvml && smi) status += `; nvidia-smi at ${smi} for device memory (no per-process use)`;
  return nvml ? new NvmlSource(nvml, o, status) : new SmiSource(smi, o, status);
}

class NvmlSource implements GpuSource {
  readonly name = 'nvidia';
  private devices: Device[] = [];
  private reads = 0;

  constructor(
    private readonly nvml: Nvml,
    private readonly o: GpuSourceOptions,
    private readonly line: string,
  ) {}

  status(): string {
    return this.line;
  }

  private list(): Device[] {
    if (this.reads++ % REDISCOVER_EVERY === 0) {
      const n = this.nvml.deviceCount();
      const out: Device[] = [];
      for (let i = 0; i < n; i++) {
        const handle = this.nvml.handle(i);
        out.push({ id: `nvidia${i}`, handle, info: this.nvml.info(i, handle) });
      }
      this.devices = out;
    }
    return this.devices;
  }

  readDevices(): Promise<GpuMemory[]> {
    const out: GpuMemory[] = [];
    for (const d of this.list()) {
      const m = this.nvml.memory(d.handle);
      const base = { id: d.id, vendor: 'nvidia' as const, name: d.info.name, gttUsed: null, gttTotal: null, ...(d.info.pciBusId ? { pdev: d.info.pciBusId } : {}) };
      if (m) {
        out.push({ ...base, vramUsed: m.used, vramTotal: m.total, vramFree: m.free });
        continue;
      }
      const host = this.o.hostMemory();
      if (!host) continue;
      out.push({
        ...base,
        vramUsed: host.total - host.available,
        vramTotal: host.total,
        vramFree: host.available,
        unified: true,
        note: 'unified memory: NVML reports no device memory, so the host’s MemTotal and MemAvailable are shown',
      });
    }
    return Promise.resolve(out);
  }

  readProcesses(pids: readonly number[]): Promise<GpuProcessUse[]> {
    const want = new Set(pids);
    const out: GpuProcessUse[] = [];
    for (const d of this.list()) {
      for (const p of this.nvml.processes(d.handle)) {
        // Not available: the driver will not say (no privilege, unified memory): it is left out rather than shown as 0.
        if (want.has(p.pid) && p.usedBytes !== null) out.push({ pid: p.pid, device: d.id, vram: p.usedBytes, gtt: 0 });
      }
    }
    return Promise.resolve(out);
  }

  close(): void {
    this.nvml.close();
  }
}

class SmiSource implements GpuSource {
  readonly name = 'nvidia';
  private retryAt = 0;
  private last: GpuMemory[] = [];

  constructor(
    private readonly bin: string | null,
    private readonly o: GpuSourceOptions,
    private readonly line: string,
  ) {}

  status(): string {
    return this.line;
  }

  async readDevices(): Promise<GpuMemory[]> {
    // A hung or failing tool is retried only after nvidiaRetryMs: it must not stall every tick.
    if (!this.bin || Date.now() < this.retryAt) return this.last;
    try {
      this.last = await readNvidiaGpus(this.bin, this.o.nvidiaTimeoutMs);
      this.retryAt = 0;
    } catch (e) {
      this.last = [];
      this.retryAt = Date.now() + this.o.nvidiaRetryMs;
      this.o.onError(e);
    }
    return this.last;
  }

  readProcesses(): Promise<GpuProcessUse[]> {
    return Promise.resolve([]);
  }

  close(): void {}
}
