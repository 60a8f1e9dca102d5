// One memory cgroup per backend: a hard limit, and OOM kills counted by the
// kernel (no kernel-log privileges needed).
//
// Spawn caveat: posix_spawn has no pre-exec hook, so the supervisor moves the
// child in with addProcess() right after spawn. Whatever the child allocates
// in that window (microseconds; typically just the exec) stays charged to the
// parent's cgroup — charges do not move with a task unless v1
// memory.move_charge_at_immigrate is set. (clone3 with CLONE_INTO_CGROUP
// would close the window but is not reachable from posix_spawn.)
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
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

  pids(): number[] {
    try {
      return readFileSync(path.join(this.path, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
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
        return;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return;
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
 * Create (or reuse, after a crash) the backend's cgroup with a hard memory
 * limit: v1 `<memory mount>/vigil/<id>`, v2 `<delegated subtree>/vigil-<id>`.
 * The limit also forbids swapping past it (v1 memsw = limit, v2 swap.max = 0)
 * where the kernel accounts swap, so a runaway backend is killed rather than
 * thrashing the machine. Never throws: a failure says what is missing.
 */
export function createBackendCgroup(opts: { id: string; limitBytes: number | null; root?: string } & CgroupEnv): CreateResult {
  if (!ID_RE.test(opts.id) || opts.id === '.' || opts.id === '..') return { ok: false, reason: `backend id ${JSON.stringify(opts.id)} cannot name a cgroup (letters, digits, '.', '_', '-' only)` };
  if (opts.limitBytes !== null && (!Number.isSafeInteger(opts.limitBytes) || opts.limitBytes <= 0)) return { ok: false, reason: `memory limit for ${opts.id} must be a positive whole number of bytes, got ${opts.limitBytes}` };
  const det = detectMemoryHierarchy({ procRoot: opts.procRoot, cgroupRoot: opts.root ?? opts.cgroupRoot });
  if (!det.ok) return det;
  return createIn(det.hierarchy, opts.id, opts.limitBytes);
}

function createIn(h: MemoryHierarchy, id: string, limit: number | null): CreateResult {
  const cgPath = h.version === 1 ? path.join(h.base, id) : path.join(h.base, `vigil-${id}`);
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
  return { ok: true, cg: new CgroupImpl(h.version, cgPath, h.version === 1 ? h.base : h.self) };
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
