// One memory cgroup per backend: a hard limit, and OOM kills counted by the
// kernel (no kernel-log privileges needed).
//
// Spawn caveat: posix_spawn has no pre-exec hook, so the supervisor moves the
// child in with addProcess() right after spawn. Whatever the child allocates
// in that window (microseconds; typically just the exec) stays charged to the
// parent's cgroup — charges do not move with a task unless v1
// memory.move_charge_at_immigrate is set. (clone3 with CLONE_INTO_CGROUP
// would close the window but is not reachable from posix_spawn.)
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, realpathSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { detectMemoryHierarchy, type CgroupEnv, type MemoryHierarchy } from './detect.js';
import { onOomNotice } from './oom-notify.js';

export interface CgroupUsage {
  /** Bytes charged now. */
  current: number;
  /** Bytes; null when unlimited. */
  limit: number | null;
}

export interface BackendCgroup {
  readonly version: 1 | 2;
  readonly path: string;
  /** Move a process (and, on v2, its threads) into the cgroup. Throws naming the pid and path. */
  addProcess(pid: number): void;
  /** Kernel's count of OOM kills inside this cgroup. */
  oomKillCount(): number;
  usage(): CgroupUsage;
  /**
   * The highest charge (bytes) since the cgroup was made or its peak last
   * reset: v1 memory.max_usage_in_bytes, v2 memory.peak. Null where the
   * kernel has no such file (v2 before Linux 5.19).
   */
  peak(): number | null;
  /**
   * Starts the peak afresh (v1: 0 written to memory.max_usage_in_bytes sets
   * it to the charge now). False where it cannot be: a v2 memory.peak is
   * reset only for the file descriptor that wrote it.
   */
  resetPeak(): boolean;
  /** Pids in the cgroup now. */
  pids(): number[];
  /** Move stragglers out, then rmdir (retrying while the kernel still counts exiting tasks). */
  remove(opts?: { timeoutMs?: number }): Promise<void>;
}

export type CreateResult = { ok: true; cg: BackendCgroup } | { ok: false; reason: string };

// v1 reports "unlimited" as PAGE_COUNTER_MAX * page size (≈ 2^63 rounded to a page).
const V1_UNLIMITED = 2 ** 62;

const errText = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

function readNumber(file: string): number {
  const text = readFileSync(file, 'utf8').trim();
  const v = Number(text);
  if (!Number.isFinite(v)) throw new Error(`${file}: expected a number, got ${JSON.stringify(text)}`);
  return v;
}

/** `key value` lines (memory.events, memory.oom_control) → the value of `key`. */
export function readKeyedCounter(file: string, key: string): number {
  const text = readFileSync(file, 'utf8');
  const m = new RegExp(`^${key}\\s+(\\d+)\\s*$`, 'm').exec(text);
  if (!m) throw new Error(`${file}: no "${key}" line (kernel older than 4.13?)`);
  return Number(m[1]);
}

class CgroupImpl implements BackendCgroup {
  constructor(
    readonly version: 1 | 2,
    readonly path: string,
    /** Where remaining processes go before rmdir. */
    private readonly evacuateTo: string,
    /** An instance's own folder (v1), removed with its last backend cgroup. */
    private readonly tidyParent: string | null = null,
  ) {}

  addProcess(pid: number): void {
    try {
      writeFileSync(path.join(this.path, 'cgroup.procs'), `${pid}\n`);
    } catch (e) {
      throw new Error(`cannot move pid ${pid} into ${this.path}: ${errText(e)}${(e as NodeJS.ErrnoException).code === 'ESRCH' ? ' (process already gone)' : ''}`, { cause: e });
    }
  }

  oomKillCount(): number {
    return this.version === 1 ? readKeyedCounter(path.join(this.path, 'memory.oom_control'), 'oom_kill') : readKeyedCounter(path.join(this.path, 'memory.events'), 'oom_kill');
  }

  usage(): CgroupUsage {
    if (this.version === 1) {
      const limit = readNumber(path.join(this.path, 'memory.limit_in_bytes'));
      return { current: readNumber(path.join(this.path, 'memory.usage_in_bytes')), limit: limit >= V1_UNLIMITED ? null : limit };
    }
    const max = readFileSync(path.join(this.path, 'memory.max'), 'utf8').trim();
    return { current: readNumber(path.join(this.path, 'memory.current')), limit: max === 'max' ? null : Number(max) };
  }

  peak(): number | null {
    const file = path.join(this.path, this.version === 1 ? 'memory.max_usage_in_bytes' : 'memory.peak');
    try {
      return readNumber(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  resetPeak(): boolean {
    if (this.version !== 1) return false;
    try {
      writeFileSync(path.join(this.path, 'memory.max_usage_in_bytes'), '0');
      return true;
    } catch {
      return false;
    }
  }

  pids(): number[] {
    try {
      return readFileSync(path.join(this.path, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  }

  /** The instance folder goes with its last backend cgroup; while others remain, rmdir refuses and that is fine. */
  private tidy(): void {
    if (!this.tidyParent) return;
    try {
      rmdirSync(this.tidyParent);
    } catch {
      // not empty (another backend of this instance) or already gone
    }
  }

  async remove(opts: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (opts.timeoutMs ?? 2000);
    for (;;) {
      for (const pid of this.pids()) {
        try {
          writeFileSync(path.join(this.evacuateTo, 'cgroup.procs'), `${pid}\n`);
        } catch {
          /* exited meanwhile (ESRCH) or a zombie: rmdir below tells */
        }
      }
      try {
        rmdirSync(this.path);
        this.tidy();
        return;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return this.tidy();
        // EBUSY: tasks still attached (exiting tasks linger briefly).
        if (code !== 'EBUSY' || Date.now() > deadline) {
          throw new Error(`cannot remove cgroup ${this.path}: ${code ?? (e as Error).message} (pids still there: ${this.pids().join(' ') || 'none'})`, { cause: e });
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Wrap an existing backend cgroup directory (e.g. after Vigil restarted). */
export function openBackendCgroup(version: 1 | 2, cgPath: string, evacuateTo = path.dirname(cgPath)): BackendCgroup {
  return new CgroupImpl(version, cgPath, evacuateTo);
}

const ID_RE = /^[A-Za-z0-9_.-]+$/;

/**
 * The name a Vigil instance gives its cgroups: a short hash of its state
 * directory. Two instances (a desktop app and a `vigil serve` with another
 * state directory) never share a backend's cgroup, so one never moves the
 * other's processes out or removes its limit; one instance restarted on the
 * same state directory finds its own cgroups again and adopts into them.
 */
export function cgroupInstance(stateDir: string): string {
  let dir = path.resolve(stateDir);
  try {
    dir = realpathSync(dir);
  } catch {
    // not created yet: the resolved path names it as well
  }
  return createHash('sha256').update(dir).digest('hex').slice(0, 8);
}

/**
 * Create (or reuse, after a crash) the backend's cgroup with a hard memory
 * limit: v1 `<memory mount>/vigil/<instance>/<id>`, v2
 * `<delegated subtree>/vigil-<instance>-<id>` (without an instance:
 * `vigil/<id>`, `vigil-<id>`).
 * The limit also forbids swapping past it (v1 memsw = limit, v2 swap.max = 0)
 * where the kernel accounts swap, so a runaway backend is killed rather than
 * thrashing the machine. Never throws: a failure says what is missing.
 */
export function createBackendCgroup(opts: { id: string; limitBytes: number | null; root?: string; instance?: string } & CgroupEnv): CreateResult {
  if (!ID_RE.test(opts.id) || opts.id === '.' || opts.id === '..') return { ok: false, reason: `backend id ${JSON.stringify(opts.id)} cannot name a cgroup (letters, digits, '.', '_', '-' only)` };
  if (opts.limitBytes !== null && (!Number.isSafeInteger(opts.limitBytes) || opts.limitBytes <= 0)) return { ok: false, reason: `memory limit for ${opts.id} must be a positive whole number of bytes, got ${opts.limitBytes}` };
  const det = detectMemoryHierarchy({ procRoot: opts.procRoot, cgroupRoot: opts.root ?? opts.cgroupRoot });
  if (!det.ok) return det;
  if (opts.instance !== undefined && !/^[a-f0-9]{1,16}$/.test(opts.instance)) return { ok: false, reason: `cgroup instance name ${JSON.stringify(opts.instance)} must be hex (cgroupInstance())` };
  return createIn(det.hierarchy, opts.id, opts.limitBytes, opts.instance);
}

function createIn(h: MemoryHierarchy, id: string, limit: number | null, instance?: string): CreateResult {
  const cgPath = h.version === 1 ? path.join(h.base, ...(instance ? [instance] : []), id) : path.join(h.base, instance ? `vigil-${instance}-${id}` : `vigil-${id}`);
  try {
    mkdirSync(cgPath, { recursive: true });
  } catch (e) {
    return { ok: false, reason: `cannot create cgroup ${cgPath}: ${errText(e)}${errText(e) === 'EACCES' ? ' (run as root or delegate this subtree to your user)' : ''}` };
  }
  const write = (file: string, value: string): string | null => {
    try {
      writeFileSync(path.join(cgPath, file), value);
      return null;
    } catch (e) {
      return `cannot set ${path.join(cgPath, file)} to ${value}: ${errText(e)}`;
    }
  };
  let failure: string | null;
  if (h.version === 1) {
    // memsw must stay ≥ the limit; a reused cgroup may hold an old, lower memsw, so lift it first.
    write('memory.memsw.limit_in_bytes', '-1');
    failure = write('memory.limit_in_bytes', limit === null ? '-1' : String(limit));
    if (!failure && limit !== null) write('memory.memsw.limit_in_bytes', String(limit)); // absent without swap accounting: best effort
  } else {
    failure = write('memory.max', limit === null ? 'max' : String(limit));
    if (!failure && limit !== null) write('memory.swap.max', '0'); // absent without swap: best effort
  }
  if (failure) return { ok: false, reason: failure };
  const own = h.version === 1 && instance ? path.dirname(cgPath) : null;
  return { ok: true, cg: new CgroupImpl(h.version, cgPath, h.version === 1 ? h.base : h.self, own) };
}

// The v1 notification comes as the cgroup runs out of memory, which can be a
// moment before the kill is counted: look again shortly after.
const RECHECK_MS = [0, 2, 10, 50, 200];

/**
 * Call cb when the cgroup's OOM-kill counter rises: at once on the kernel's
 * notification (oom-notify.ts), with a poll of the counter as a backstop
 * (`intervalMs`; every 200 ms where notifications cannot be had).
 * Returns a stop function. A read error (cgroup removed) stops the watch and goes to onError.
 */
export function watchOomKills(
  cg: Pick<BackendCgroup, 'oomKillCount' | 'path'> & { version?: 1 | 2 },
  cb: (e: { count: number; delta: number }) => void,
  opts: { intervalMs?: number; onError?: (e: Error) => void } = {},
): () => void {
  let last: number;
  try {
    last = cg.oomKillCount();
  } catch (e) {
    opts.onError?.(e as Error);
    return () => {};
  }
  let stopped = false;
  const rechecks = new Set<NodeJS.Timeout>();
  const check = (): void => {
    if (stopped) return;
    let now: number;
    try {
      now = cg.oomKillCount();
    } catch (e) {
      stop();
      opts.onError?.(e as Error);
      return;
    }
    if (now > last) cb({ count: now, delta: now - last });
    last = now;
  };
  const stopNotice = cg.version === undefined ? null : onOomNotice({ version: cg.version, path: cg.path }, () => {
    for (const ms of RECHECK_MS) {
      const t = setTimeout(() => {
        rechecks.delete(t);
        check();
      }, ms);
      rechecks.add(t);
    }
  });
  const timer = setInterval(check, opts.intervalMs ?? (stopNotice ? 1000 : 200));
  timer.unref?.();
  const stop = (): void => {
    stopped = true;
    clearInterval(timer);
    for (const t of rechecks) clearTimeout(t);
    rechecks.clear();
    stopNotice?.();
  };
  return stop;
}
