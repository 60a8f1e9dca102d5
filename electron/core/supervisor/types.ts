// What one supervisor needs to know about its backend. Mirrors the normalised
// BackendConfig of electron/core/config (engineer D) field for field, so a
// loaded config is passed straight in; kept here so the supervisor can be
// used (and tested) without the loader.
import type { OomKill, VigilEvent } from '../../common/state.js';

export type RestartPolicy = 'always' | 'on-failure' | 'never';

export interface SupervisedBackendConfig {
  id: string;
  name?: string;
  /** argv; `${PORT}` is substituted in every element. */
  cmd: string[];
  env: Record<string, string>;
  cwd?: string | null;
  port: number | 'auto';
  health: {
    /** null: no HTTP probe; a live process counts as ready. */
    path: string | null;
    intervalMs: number;
    timeoutMs: number;
    /** Consecutive failed probes before `unhealthy`. */
    unhealthyAfter: number;
    /** Consecutive failed probes before an `unresponsive` restart. */
    restartAfter: number;
    /** Longest time in starting/loading before an `unresponsive` restart. */
    startupTimeoutMs: number;
  };
  restart: {
    policy: RestartPolicy;
    backoff: { initialMs: number; factor: number; maxMs: number };
    limit: { count: number; windowMs: number };
  };
  stop: { signal: NodeJS.Signals | string; graceMs: number };
  memoryLimit: number | null;
  autostart: boolean;
  keepRunningOnQuit: boolean;
}

/** An event as the supervisor reports it; the sink assigns seq (journal) and returns the stored event. */
export type EventDraft = Omit<VigilEvent, 'seq' | 'time' | 'oom' | 'exit' | 'pid' | 'from' | 'to' | 'backend'> &
  Partial<Pick<VigilEvent, 'time' | 'oom' | 'exit' | 'pid' | 'from' | 'to' | 'backend'>>;
export type EventSink = (ev: EventDraft) => void;

/** Cgroup placement for memory limits (engineer C's BackendCgroup, narrowed). */
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
  /** Awaited before a fresh start may reuse the same path. */
  remove(): void | Promise<void>;
}
export type CgroupFactory = (backendId: string, limitBytes: number) => CgroupHandle;

export type OomNotice = OomKill;
