// The state contract: what the core's store holds and every host/UI reads.
// Runs everywhere (Node, Electron main, browser): no Node builtins, no electron.
// Keep it small, plain-JSON and typed; it crosses IPC and WebSocket as is.
import type { BackendFit } from './fit.js';
import type { GpuUse } from './gpu.js';
import type { LlamaView } from './llama.js';
import type { KernelLogSourceKind, OomKill } from './oom-kill.js';
import type { WatchedServer } from './watch-types.js';

/** Lifecycle of one backend; its transitions are drawn in ARCHITECTURE.md. */
export type BackendStatus =
  | 'stopped' // not running and not wanted (initial, or stopped by the user)
  | 'starting' // spawned; health endpoint not answering yet (connection refused)
  | 'loading' // health answers 503 (llama-server "Loading model")
  | 'ready' // health answers 200
  | 'unhealthy' // alive but probes fail (hung) or process is stopped (T)
  | 'stopping' // stop requested; waiting for the process group to go
  | 'exited' // died; `awaitingReap` says whether the zombie is still there
  | 'backoff' // waiting `nextRestartAt` before the next spawn
  | 'failed'; // restart limit hit, or cannot spawn; held until a human acts

export const BACKEND_STATUSES: readonly BackendStatus[] = [
  'stopped', 'starting', 'loading', 'ready', 'unhealthy', 'stopping', 'exited', 'backoff', 'failed',
];

/**
 * Process state as /proc/<pid>/stat shows it, for display. A live process's
 * moves among running, sleeping and disk-sleep are not re-published (a server
 * flips between them on every request), so those three mean "alive"; stopped,
 * zombie and gone are always current.
 */
export type ProcState = 'running' | 'sleeping' | 'disk-sleep' | 'stopped' | 'zombie' | 'gone' | 'other';

export interface ExitInfo {
  /** ms since epoch when Vigil saw the exit. */
  time: number;
  pid: number;
  /** Exit code when exited normally, else null. */
  code: number | null;
  /** Signal number when killed by a signal, else null. */
  signal: number | null;
  /** e.g. 'SIGKILL'. */
  signalName: string | null;
  coreDumped: boolean;
  /** True once the status was collected (waitid without WNOWAIT). */
  reaped: boolean;
  /** Set when the kernel's OOM killer took it (kmsg, journal or cgroup counter). */
  oomKilled: boolean;
  oom: OomKill | null;
  /** Human-readable reason: 'exited with code 1', 'killed by SIGKILL', 'oom-killed', 'unresponsive' … */
  reason: string;
  /** The backend's own account of running out of GPU memory (kind 'gpu'), when its log gave one: no kernel kill, so `oomKilled` stays false. */
  gpuOom?: OomKill | null;
  /**
   * RSS of its process tree at the last memory sample before the exit, bytes
   * (the sample may be up to one sampling interval old); null or absent when
   * none was taken. A dead process has no memory: the backend's `memory` is
   * cleared with the exit, and this is what is left of it.
   */
  lastRss?: number | null;
  /** GPU memory of its tree at that last sample, per device; absent when it held none. */
  lastGpu?: GpuUse[] | null;
}

export interface MemoryBreakdown {
  /** Sum over the backend's whole process tree (its session), bytes. */
  rss: number;
  anon: number;
  file: number;
  shmem: number;
  swap: number;
  /** From smaps_rollup, sampled less often; null until first sample. */
  pss: number | null;
  /** Number of processes in the tree. */
  processes: number;
  /** GPU memory the tree holds, per device (absent or empty when none, or when no source can say). */
  gpu?: GpuUse[];
}


export interface BackendView {
  id: string;
  /** Display name (config `name` or id). */
  name: string;
  status: BackendStatus;
  /** Why it is in this status (e.g. 'restart limit reached: 5 restarts in 1m 00s', 'spawn failed: ENOENT /usr/bin/x'). */
  reason: string;
  /** ms since epoch of the last status change. */
  since: number;
  pid: number | null;
  pgid: number | null;
  procState: ProcState | null;
  /** ms since epoch when the current process started, null when none. */
  startedAt: number | null;
  port: number | null;
  /** True when Vigil found it running at launch and took it over. */
  adopted: boolean;
  /** Restarts performed by policy since the last manual start. */
  restarts: number;
  lastExit: ExitInfo | null;
  /** An exited child is still a zombie waiting for `reap`. */
  awaitingReap: boolean;
  /** Health probe latency, ms (a moving average, republished when it moves noticeably); null when none answered. */
  healthLatencyMs: number | null;
  /** ms since epoch of the planned restart while in backoff. */
  nextRestartAt: number | null;
  memory: MemoryBreakdown | null;
  /** bytes, from config; null when none. */
  memoryLimit: number | null;
  /** cgroup path the backend runs in, when Vigil made one. */
  cgroup: string | null;
  /** argv as it will be / was spawned, for display. */
  command: string[];
  restartPolicy: 'always' | 'on-failure' | 'never';
  /** Will it fit: the prediction before the last start, what the run took, advice after an OOM kill (fit.ts); null before any start. */
  fit: BackendFit | null;
  /** What a llama-server backend's log and API say (load, memory, slots, death reason); null for other backends. Kept after an exit until the next start. */
  llama: LlamaView | null;
  /** The process's oom_score_adj as the kernel has it (config `oom.scoreAdj`); null while none runs. */
  oomScoreAdj: number | null;
  /** Stopped by the pressure guard: why, in numbers, and what would fit now; null once the user starts it again. */
  shed: ShedInfo | null;
}

/** A backend the pressure guard stopped to keep the machine alive. */
export interface ShedInfo {
  /** ms since epoch. */
  at: number;
  /** "memory pressure 38 % for 4 s, MemAvailable 290 MiB (1.2 % of 23.5 GiB)" */
  reason: string;
  /** The fit check's advice for the machine as it is now ("with -c 4096 it needs 3.1 GiB"); null when there is none. */
  fitsNow: string | null;
  /** What the guard did: stopped it, or restarted it with the advice's first option. */
  action: 'stopped' | 'restarted-smaller';
}

export type EventKind =
  | 'transition' // a backend changed status
  | 'command' // a user (or quit) issued start/stop/restart/reap
  | 'exit' // a backend process exited
  | 'oom' // a kill by the OOM killer (kernel or user space)
  | 'warning' // early memory warning
  | 'config' // config loaded / rejected
  | 'watch' // a server Vigil did not start: found, exited, left a zombie, reaped, unhealthy, answering again
  | 'guard' // the pressure guard stopped a backend (or recommends stopping a watched server), with the figures
  | 'system'; // anything else worth a line (source changed, adoption …)

export interface VigilEvent {
  /** Monotonic per journal; unique across Vigil restarts. */
  seq: number;
  /** ms since epoch. */
  time: number;
  kind: EventKind;
  backend: string | null;
  from: BackendStatus | null;
  to: BackendStatus | null;
  reason: string;
  pid: number | null;
  exit: ExitInfo | null;
  oom: OomKill | null;
  /** Free-form figures (memory warning numbers, config errors…). */
  details?: Record<string, unknown>;
}

export type { KernelLogSourceKind, OomKill, OomKiller } from './oom-kill.js';
export type { GpuUse } from './gpu.js';

export interface SystemMemory {
  time: number;
  memTotal: number;
  memAvailable: number;
  swapTotal: number;
  swapFree: number;
  /** null when /proc/pressure/memory is absent. */
  psi: { someAvg10: number; someAvg60: number; fullAvg10: number; fullAvg60: number } | null;
}

export interface GpuMemory {
  id: string; // e.g. 'card0', 'nvidia0'
  vendor: 'amd' | 'nvidia' | 'intel';
  name: string;
  vramUsed: number;
  vramTotal: number;
  /** Free as the driver counts it (NVML's excludes its reserve); absent: vramTotal − vramUsed. */
  vramFree?: number;
  /** PCI address ('0000:01:00.0'). */
  pdev?: string;
  /** amdgpu: the CPU-visible part of VRAM (mem_info_vis_vram_*), where the kernel reports it. */
  visVram?: { used: number; total: number };
  /** A device without memory of its own (GB10 / DGX Spark): the figures are the host's. */
  unified?: boolean;
  /** What the figures are, when not plain device memory. */
  note?: string;
  /** amdgpu GTT (system RAM the GPU maps; where APUs keep models). */
  gttUsed: number | null;
  gttTotal: number | null;
}

export interface KernelLogStatus {
  /** The OOM source in use. */
  active: KernelLogSourceKind;
  /** One line: what is being read, or what failed. */
  detail: string;
  /** How to enable a better source, or null when the best is active. */
  hint: string | null;
}

export interface ConfigIssue {
  file: string;
  line: number | null;
  column: number | null;
  /** Dotted path, e.g. 'backends.llama.health.interval'. */
  field: string | null;
  message: string;
}

export interface ConfigStatus {
  path: string;
  /** ms since epoch of the last successful load, null when none. */
  loadedAt: number | null;
  /** Problems of the last attempt; the last good config stays in force. */
  errors: ConfigIssue[];
  /** Keys read but ignored (e.g. llama-swap fields with no meaning here). */
  ignored: string[];
  /** 'vigil' or 'llama-swap' (imported form). */
  format: 'vigil' | 'llama-swap' | null;
  /** True when the file was just created from the example. */
  created: boolean;
}

export interface MemoryAlert {
  id: string; // 'mem-available' | 'psi-full' | `limit:${backend}`
  backend: string | null;
  message: string;
  since: number;
  figures: Record<string, number>;
}

export interface VigilState {
  hostname: string;
  /** The uid Vigil runs as: which watched servers it may signal. */
  uid: number;
  /** ms since epoch of this snapshot. */
  time: number;
  backends: BackendView[];
  /** Recent events (capped); the journal holds the rest. */
  events: VigilEvent[];
  /** Recent OOM kills (capped), newest last. */
  ooms: OomKill[];
  memory: { system: SystemMemory | null; gpus: GpuMemory[] };
  kernelLog: KernelLogStatus;
  config: ConfigStatus;
  alerts: MemoryAlert[];
  /** Servers Vigil did not start but watches (electron/common/watch.ts). */
  watched: WatchedServer[];
}

/** Columnar history for charts: `t` in seconds since epoch, each series aligned with it (null = no sample). */
export interface History {
  resolution: number; // seconds per sample
  t: number[];
  series: Record<string, (number | null)[]>;
}

/** Series names used in History. */
export const SERIES = {
  memAvailable: 'mem.available',
  memUsed: 'mem.used',
  swapUsed: 'swap.used',
  psiSomeAvg10: 'psi.some.avg10',
  psiFullAvg10: 'psi.full.avg10',
  backendRss: (id: string) => `backend.${id}.rss`,
  gpuVram: (id: string) => `gpu.${id}.vram`,
  gpuGtt: (id: string) => `gpu.${id}.gtt`,
  /** A backend's memory on one GPU device, region 'vram' or 'gtt'. */
  backendGpu: (id: string, device: string, region: 'vram' | 'gtt') => `backend.${id}.gpu.${device}.${region}`,
} as const;

/**
 * How a series is summarised when many samples become one point (the day
 * tier, a decimated chart): its worst value — the peak, or for MemAvailable,
 * where low is bad, the dip. An average would hide the spike before an OOM kill.
 */
export function worstOf(series: string): 'max' | 'min' {
  return series === SERIES.memAvailable ? 'min' : 'max';
}

export const EVENT_CAP = 300;
export const OOM_CAP = 200;
