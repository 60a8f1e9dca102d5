// What one supervisor needs to know about its backend. Mirrors the normalised
// BackendConfig (electron/common/config-schema.ts) field for field, so a
// loaded config is passed straight in; kept here so the supervisor can be
// used (and tested) without the loader.
import type { VigilEvent } from '../../common/state.js';
import type { Logger } from '../diagnostics.js';
import type { EventDraft } from '../events.js';
import type { VigilStore } from '../store.js';
import type { RunningRegistry } from './running-registry.js';
import type { BackendObserver, ExitExplainer, PreStartCheck, TickWorkFactory } from './seams.js';

export type { RestartPolicy, SupervisedBackendConfig } from './backend-config.js';

/** Cgroup placement for memory limits: the part of electron/core/cgroup's BackendCgroup a supervisor uses. */
export interface CgroupHandle {
  path: string;
  /** cgroup v1 or v2: how OOM notifications are had (a handle without it is polled). */
  version?: 1 | 2;
  addProcess(pid: number): void;
  oomKillCount(): number;
  /**
   * What the kernel charges to the cgroup now (bytes) and its limit (null:
   * unlimited); null when it cannot be read. Never throws: it is read every
   * sampler tick. Optional so a handle without it means "no cgroup figure".
   */
  usage?(): { current: number; limit: number | null } | null;
  /** The highest charge since the cgroup was made or reset (bytes); null when unknown. Never throws. */
  peak?(): number | null;
  /** Starts the peak afresh; false where the kernel cannot (cgroup v2). */
  resetPeak?(): boolean;
  /** Awaited before a fresh start may reuse the same path. */
  remove(): void | Promise<void>;
}
export type CgroupFactory = (backendId: string, limitBytes: number) => CgroupHandle;

export interface SupervisorDeps {
  store: VigilStore;
  /** Journal + store; returns the stored event. */
  emit: (ev: EventDraft) => VigilEvent;
  registry: RunningRegistry;
  /** File the child's stdout/stderr are appended to. */
  logPath: string;
  /** Writes a Vigil line into the backend's log (BackendLog.appendVigilLine), optional. */
  note?: (text: string) => void;
  /** Creates the memory-limit cgroup; null when unavailable (the reason is `cgroupUnavailable`). */
  cgroupFactory?: CgroupFactory | null;
  cgroupUnavailable?: string;
  /** isRunning backstop period, ms (default 1000). */
  pollMs?: number;
  /** Diagnostics: faults and refused transitions (default: stderr). */
  log?: Logger;
  /** An illegal transition throws instead of being logged and refused (tests). */
  strict?: boolean;
  /** Checks before every spawn (seams.ts). */
  preStart?: readonly PreStartCheck[];
  /** Explainers of an unexpected exit from its log tail (seams.ts). */
  explainers?: readonly ExitExplainer[];
  /** Work at the probe's pace while the backend lives (seams.ts). */
  tickWork?: readonly TickWorkFactory[];
  /** Told of each change of the backend's record (seams.ts). */
  observers?: readonly BackendObserver[];
}
