// What every GPU vendor's source answers: its devices (totals and use) and
// the memory each process holds on them. The sampler, the fit verdict and
// `vigil fit` read GPUs only through this (index.ts composes the vendors).
import type { GpuMemory } from '../../common/state.js';

/** One process's memory on one device, bytes. */
export interface GpuProcessUse {
  pid: number;
  /** GpuMemory.id of the device ('nvidia0', 'card1'). */
  device: string;
  /** Memory on the device itself (VRAM, an Intel discrete card's local memory). */
  vram: number;
  /**
   * System RAM the GPU maps for this process (amdgpu GTT, i915/xe system
   * memory): on an APU that is where a model lives, and it is counted in
   * neither the process's RSS nor its memory cgroup.
   */
  gtt: number;
}

export interface GpuSource {
  /** 'nvidia', 'amd', 'intel'. */
  readonly name: string;
  /** One line: what it reads, or why it reads nothing ('no NVIDIA driver: …'). */
  status(): string;
  /** Devices with their totals and use; [] when this vendor has none here. */
  readDevices(): Promise<GpuMemory[]>;
  /** Use by process, for these pids only (a pid without GPU memory is left out). */
  readProcesses(pids: readonly number[]): Promise<GpuProcessUse[]>;
  close(): void;
}

/** Where a source reads from; tests point these at fixtures and stand-ins. */
export interface GpuSourceOptions {
  procRoot: string;
  sysRoot: string;
  /** NVML's path: the driver's soname by default; null never loads it. */
  nvmlLibrary: string | null;
  /** nvidia-smi's path for when NVML cannot be loaded (undefined in the options: looked up on PATH); null never runs it. */
  nvidiaSmi: string | null;
  nvidiaTimeoutMs: number;
  /** After a failed nvidia-smi run, wait this long before trying again. */
  nvidiaRetryMs: number;
  /** Host figures for a device without its own memory (unified memory): MemTotal and MemAvailable, bytes. */
  hostMemory(): { total: number; available: number } | null;
  onError(e: unknown): void;
}
