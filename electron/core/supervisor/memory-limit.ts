// A backend's memory-limit cgroup, for its supervisor: created with its
// limit before the first spawn (and reused across crash restarts), each new
// process placed in it right after spawn, its oom_kill counter watched so a
// kill is seen with no access to the kernel log, removed after a stop or
// reap. Where cgroups cannot be used it says why, once, and does nothing.
import { readFileSync } from 'node:fs';
import type { OomKill } from '../../common/state.js';
import { watchOomKills } from '../cgroup/index.js';
import type { CgroupFactory, CgroupHandle } from './types.js';

export interface MemoryLimitDeps {
  backendId: string;
  /** Creates the cgroup; null/undefined when unavailable (the reason is `unavailable`). */
  factory: CgroupFactory | null | undefined;
  unavailable: string | undefined;
  /** Why the limit is not enforced (called once). */
  warn: (reason: string) => void;
  /** The cgroup the backend's process is in now (null: none), for its view. */
  onPath: (path: string | null) => void;
  /** The watched counter rose. */
  onCounterRose: () => void;
  /** Counter poll period, ms. */
  pollMs?: number;
}

export class MemoryLimit {
  private cg: CgroupHandle | null = null;
  private warned = false;
  private baseline = 0;
  private stopWatch: (() => void) | null = null;
  /** The leader's comm, read right after spawn, for counter OOM records. */
  private comm: string | null = null;
  /** No process was placed in the cgroup yet: its peak is the coming process's own. */
  private fresh = false;
  /** The cgroup's peak counts only the current process (fresh, or reset when it was placed). */
  private peakIsOwn = false;

  constructor(private readonly d: MemoryLimitDeps) {}

  get path(): string | null {
    return this.cg?.path ?? null;
  }

  /** Bytes charged to the cgroup now; null without one or when unreadable (never throws: read per sampler tick). */
  usage(): number | null {
    try {
      return this.cg?.usage?.()?.current ?? null;
    } catch {
      return null;
    }
  }

  /** The highest charge of the cgroup during the current process (bytes); null without a cgroup or where the peak also holds an earlier process's. Never throws. */
  peak(): number | null {
    if (!this.cg || !this.peakIsOwn) return null;
    try {
      return this.cg.peak?.() ?? null;
    } catch {
      return null;
    }
  }

  /** Before a spawn: have the cgroup (with `limitBytes`) and watch its counter; nothing when there is no limit. */
  ensure(limitBytes: number | null): void {
    if (limitBytes === null || this.cg) return;
    if (!this.d.factory) return this.warn(this.d.unavailable ?? 'cgroup support unavailable');
    let cg: CgroupHandle;
    try {
      cg = this.d.factory(this.d.backendId, limitBytes);
    } catch (e) {
      return this.warn((e as Error).message);
    }
    this.cg = cg;
    this.fresh = true;
    this.stopWatching();
    this.stopWatch = watchOomKills(
      cg,
      () => {
        if (this.cg === cg) this.d.onCounterRose();
      },
      {
        intervalMs: this.d.pollMs ?? 250,
        onError: () => {
          // cgroup removed under us: the exit path still compares counters where it can
        },
      },
    );
  }

  /** Right after a spawn: move the new process in (there is no pre-exec hook; the few allocations before this stay charged to the parent). */
  place(pid: number, limitBytes: number | null): void {
    if (limitBytes === null || !this.cg) return;
    this.comm = readComm(pid);
    // A cgroup reused across crash restarts still holds the last process's peak unless the kernel lets it be reset.
    this.peakIsOwn = this.fresh || (this.cg.resetPeak?.() ?? false);
    this.fresh = false;
    try {
      this.cg.addProcess(pid);
      this.baseline = safeCount(this.cg);
      this.d.onPath(this.cg.path);
    } catch (e) {
      this.warn((e as Error).message);
    }
  }

  /** Did the counter rise since the last look? Either way the next look starts from now. */
  takeRise(): boolean {
    if (!this.cg) return false;
    const n = safeCount(this.cg);
    const rose = n > this.baseline;
    this.baseline = n;
    return rose;
  }

  /** What the counter tells of a kill: the victim is taken to be `pid`, the backend's leader (the counter cannot say which process died). */
  killRecord(pid: number, fallbackComm: string): OomKill {
    const path = this.cg?.path ?? null;
    return {
      id: `cgroup:${path}:${Date.now()}`,
      time: Date.now(),
      timeText: null,
      pid,
      comm: this.comm ?? fallbackComm,
      scope: 'memcg',
      constraint: null,
      memcg: path,
      totalVmKb: null,
      anonRssKb: null,
      fileRssKb: null,
      shmemRssKb: null,
      uid: null,
      oomScoreAdj: null,
      killer: 'kernel',
      trigger: null,
      backend: this.d.backendId,
      largestConsumer: null,
      source: 'cgroup',
    };
  }

  stopWatching(): void {
    this.stopWatch?.();
    this.stopWatch = null;
  }

  /**
   * After a stop or reap: stop watching and, unless a process still runs in
   * it, remove the cgroup (awaited, so a next start cannot race the rmdir).
   */
  async release(processRunning: boolean): Promise<void> {
    this.stopWatching();
    const cg = this.cg;
    if (!cg || processRunning) return;
    this.cg = null;
    this.d.onPath(null);
    try {
      await cg.remove();
    } catch {
      // still has tasks or already gone: the next start reuses the path
    }
  }

  private warn(why: string): void {
    if (this.warned) return;
    this.warned = true;
    this.d.warn(why);
  }
}

function readComm(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

function safeCount(cg: CgroupHandle): number {
  try {
    return cg.oomKillCount();
  } catch {
    return 0;
  }
}
