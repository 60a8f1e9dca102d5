// Ties the readers together on one timer: system memory, GPUs and each
// backend's process tree, recorded into MemoryHistory under SERIES names.
import type { GpuMemory, MemoryBreakdown, SystemMemory } from '../../common/state.js';
import { SERIES } from '../../common/state.js';
import { createGpuSources, type GpuProcessUse, type GpuSources } from '../gpu/index.js';
import { sumGpuUse } from '../gpu/sum.js';
import { everyShared } from '../shared-interval.js';
import { MemoryHistory } from './history.js';
import { movedBytes } from './publish.js';
import { sumTreePss } from './processes.js';
import { ProcessScanner } from './scanner.js';
import { SystemMemoryReader } from './system.js';

export type BackendMemory = MemoryBreakdown & { pids: number[] };

export interface MemorySample {
  system: SystemMemory | null;
  gpus: GpuMemory[];
  backends: Record<string, BackendMemory>;
  /** GPU memory of the backends' trees and of the extra pids (watched servers), per process and device. */
  gpuProcesses: GpuProcessUse[];
}

export interface MemorySamplerOptions {
  procRoot?: string;
  sysRoot?: string;
  intervalMs?: number;
  /**
   * PSS (smaps_rollup) of each backend every N ticks, staggered so a tick
   * reads at most a share of them; a backend's first tick (and a new root pid)
   * always reads it.
   */
  pssEveryN?: number;
  /** A tree whose RSS and process count stood still is re-read only every this many turns (default PSS_STILL_FACTOR; 1 = every turn). */
  pssStillFactor?: number;
  /** The GPU sources (composed once by the caller); absent: built here from the options below. */
  gpu?: GpuSources;
  /** NVML's path; undefined = VIGIL_NVML_LIBRARY or the driver's soname; null = never load it. */
  nvmlLibrary?: string | null;
  /** Path to nvidia-smi, used when NVML cannot be loaded; undefined = look it up on PATH; null = never query. */
  nvidiaSmi?: string | null;
  nvidiaTimeoutMs?: number;
  /** After a failed nvidia-smi run, wait this long before trying again (a hung tool must not stall every tick). */
  nvidiaRetryMs?: number;
  getBackends: () => { id: string; pid: number | null }[];
  /** More pids whose GPU memory is read each tick (watched servers and their children). */
  getGpuPids?: () => readonly number[];
  onSample?: (s: MemorySample) => void;
  /** Each distinct problem is reported once (not every second). */
  onError?: (e: Error) => void;
  history?: MemoryHistory;
}

/**
 * smaps_rollup makes the kernel walk the page tables of every mapping: ≈0.2–1
 * ms per small process here (20–100× a status read), and it grows with what
 * is mapped, so a llama-server with a model of tens of GiB costs far more.
 * Read every 10th tick it would be a third of the sampler's CPU; PSS moves
 * slowly, and once a minute shows it.
 */
export const DEFAULT_PSS_EVERY_N = 60;

/**
 * PSS can only move much when RSS does (or when other processes start or
 * stop sharing the same pages), so a backend whose tree RSS is where it was
 * at its last PSS read is re-read only on every PSS_STILL_FACTORth turn.
 */
export const PSS_STILL_FACTOR = 10;

/** The tree changed since the PSS read: its process count, or RSS by what the dashboard can show. */
const treeMoved = (was: { rss: number; processes: number }, now: { rss: number; processes: number }): boolean =>
  was.processes !== now.processes || movedBytes(was.rss, now.rss, was.rss);

interface PssReading {
  root: number;
  pss: number | null;
  /** Tree RSS and process count when PSS was read. */
  rss: number;
  processes: number;
  /** Turns skipped since, because RSS stood still. */
  skipped: number;
}

export class MemorySampler {
  readonly history: MemoryHistory;
  private readonly procRoot: string;
  private readonly sysRoot: string;
  private readonly intervalMs: number;
  private readonly pssEveryN: number;
  private readonly pssStillFactor: number;
  readonly gpu: GpuSources;
  private readonly ownsGpu: boolean;
  private lastSystem: SystemMemory | null = null;
  private tick = 0;
  private stopTimer: (() => void) | null = null;
  private busy = false;
  private readonly scanner: ProcessScanner;
  private readonly system: SystemMemoryReader;
  private readonly pssCache = new Map<string, PssReading>();
  private readonly reported = new Set<string>();

  constructor(private readonly opts: MemorySamplerOptions) {
    this.procRoot = opts.procRoot ?? '/proc';
    this.sysRoot = opts.sysRoot ?? '/sys';
    this.intervalMs = opts.intervalMs ?? 1000;
    this.pssEveryN = Math.max(1, opts.pssEveryN ?? DEFAULT_PSS_EVERY_N);
    this.pssStillFactor = Math.max(1, opts.pssStillFactor ?? PSS_STILL_FACTOR);
    this.ownsGpu = !opts.gpu;
    this.gpu =
      opts.gpu ??
      createGpuSources({
        procRoot: this.procRoot,
        sysRoot: this.sysRoot,
        ...(opts.nvmlLibrary !== undefined ? { nvmlLibrary: opts.nvmlLibrary } : {}),
        nvidiaSmi: opts.nvidiaSmi,
        ...(opts.nvidiaTimeoutMs !== undefined ? { nvidiaTimeoutMs: opts.nvidiaTimeoutMs } : {}),
        ...(opts.nvidiaRetryMs !== undefined ? { nvidiaRetryMs: opts.nvidiaRetryMs } : {}),
        hostMemory: () => (this.lastSystem ? { total: this.lastSystem.memTotal, available: this.lastSystem.memAvailable } : null),
        onError: (e) => this.report(e),
      });
    this.history = opts.history ?? new MemoryHistory();
    this.scanner = new ProcessScanner(this.procRoot, undefined, (e) => this.report(e));
    this.system = new SystemMemoryReader(this.procRoot);
  }

  start(): void {
    if (this.stopTimer) return;
    const run = (): void => {
      // A slow tick (hung nvidia-smi up to its timeout) skips the next one instead of piling up.
      if (this.busy) return;
      this.sampleOnce().catch((e: unknown) => this.report(e));
    };
    run();
    // On the shared ticker of its period: the same wake-up as the backends' 1 s backstop.
    this.stopTimer = everyShared(this.intervalMs, run);
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = null;
    this.scanner.close();
    this.system.close();
    if (this.ownsGpu) this.gpu.close();
  }

  /** Take one sample, record it in history and hand it to onSample. Never throws for read problems (they go to onError). */
  async sampleOnce(now = Date.now()): Promise<MemorySample> {
    this.busy = true;
    try {
      const system = this.guard('meminfo', () => this.system.read(now)) ?? null;
      if (system) this.lastSystem = system;
      const backends = this.sampleBackends();
      const pids: number[] = [];
      for (const id in backends) for (const p of backends[id]!.pids) pids.push(p);
      for (const p of this.opts.getGpuPids?.() ?? []) pids.push(p);
      const { devices: gpus, processes: gpuProcesses } = await this.gpu.read(pids);
      if (gpuProcesses.length) {
        for (const id in backends) {
          const use = sumGpuUse(gpuProcesses, backends[id]!.pids);
          if (use.length) backends[id]!.gpu = use;
        }
      }
      const sample: MemorySample = { system, gpus, backends, gpuProcesses };
      this.tick++;
      this.history.record(now / 1000, toSeries(sample));
      this.opts.onSample?.(sample);
      return sample;
    } finally {
      this.busy = false;
    }
  }

  private sampleBackends(): Record<string, BackendMemory> {
    const out: Record<string, BackendMemory> = {};
    const wanted = this.opts.getBackends().filter((b): b is { id: string; pid: number } => b.pid !== null);
    if (wanted.length === 0) return out;
    const onErr = (e: unknown): void => this.report(e);
    const scan = this.guard('proc', () => this.scanner.scan(wanted.map((b) => b.pid)));
    if (!scan) return out;
    // Plain loops and one object per backend: this runs every second for every backend.
    for (let i = 0; i < wanted.length; i++) {
      const { id, pid } = wanted[i]!;
      const pids = scan.trees.get(pid) ?? [];
      const mem: BackendMemory = { rss: 0, pss: null, anon: 0, file: 0, shmem: 0, swap: 0, processes: pids.length, pids };
      for (const p of pids) {
        const m = scan.memory.get(p)!;
        mem.rss += m.rss;
        mem.anon += m.anon;
        mem.file += m.file;
        mem.shmem += m.shmem;
        mem.swap += m.swap;
      }
      let cached = this.pssCache.get(id);
      // Backend i's turn comes on ticks ≡ −i (mod N), so the reads spread over the ticks.
      // A new root pid (restart) invalidates the old PSS figure at once. On
      // its turn, a tree whose RSS and process count stood still since the
      // last read is skipped (see PSS_STILL_FACTOR).
      const turn = (this.tick + i) % this.pssEveryN === 0;
      if (!cached || cached.root !== pid || (turn && (treeMoved(cached, mem) || ++cached.skipped >= this.pssStillFactor))) {
        cached = { root: pid, pss: sumTreePss(this.procRoot, mem.pids, onErr), rss: mem.rss, processes: mem.processes, skipped: 0 };
        this.pssCache.set(id, cached);
      }
      mem.pss = cached.pss;
      out[id] = mem;
    }
    for (const id of this.pssCache.keys()) if (!(id in out)) this.pssCache.delete(id);
    return out;
  }

  private guard<T>(what: string, fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      this.report(e, what);
      return undefined;
    }
  }

  private report(e: unknown, what?: string): void {
    const err = e instanceof Error ? e : new Error(String(e));
    // Dedupe by message with pids blanked, so "/proc/123/status: EACCES" and "/proc/456/status: EACCES" count once.
    const key = `${what ?? ''}:${err.message.replace(/\/\d+\//g, '/<pid>/')}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.opts.onError?.(err);
  }
}

// Series names are Map keys in the history: build each backend's once, not one string per backend per tick.
const rssNames = new Map<string, string>();
function rssSeries(id: string): string {
  let name = rssNames.get(id);
  if (name === undefined) {
    if (rssNames.size > 10_000) rssNames.clear(); // ids come from config; bound it anyway
    name = SERIES.backendRss(id);
    rssNames.set(id, name);
  }
  return name;
}

/** The History row of one sample. */
export function toSeries(s: MemorySample): Record<string, number | null> {
  const row: Record<string, number | null> = {};
  if (s.system) {
    row[SERIES.memAvailable] = s.system.memAvailable;
    row[SERIES.memUsed] = s.system.memTotal - s.system.memAvailable;
    row[SERIES.swapUsed] = s.system.swapTotal - s.system.swapFree;
    row[SERIES.psiSomeAvg10] = s.system.psi?.someAvg10 ?? null;
    row[SERIES.psiFullAvg10] = s.system.psi?.fullAvg10 ?? null;
  }
  for (const id in s.backends) {
    const b = s.backends[id]!;
    row[rssSeries(id)] = b.processes ? b.rss : null;
    for (const g of b.gpu ?? []) {
      row[SERIES.backendGpu(id, g.device, 'vram')] = g.vram;
      if (g.gtt) row[SERIES.backendGpu(id, g.device, 'gtt')] = g.gtt;
    }
  }
  for (const g of s.gpus) {
    row[SERIES.gpuVram(g.id)] = g.vramUsed;
    row[SERIES.gpuGtt(g.id)] = g.gttUsed;
  }
  return row;
}
