// The process layer: spawn, non-mutating liveness, explicit reaping, pidfd
// signalling and event-driven exit notification. Liveness checks never
// consume an exit: a zombie keeps its status until reap() (kill(pid, 0)
// succeeds on a zombie, so it is never the test of life).
import koffi from 'koffi';
import * as c from './libc.js';
import { readStat } from './procfs.js';
import { signalNumber } from './signals.js';
import { spawnProcess as spawnRaw } from './spawn.js';
import type { ProbeResult, ProcessHandle, ProcessStateName, ReapResult, SignalOptions, SpawnOptions, SpawnResult, TerminateOptions } from './types.js';

export { SpawnError, resolveProgram } from './spawn.js';
export { LibcError } from './libc.js';
export { signalNumber, signalName } from './signals.js';
export { readStartTime, readStat, parseStat, type StatInfo } from './procfs.js';
export type * from './types.js';

// Reused siginfo buffer: isRunning/reap are synchronous, so one suffices and
// the hot path allocates nothing.
const info = Buffer.alloc(c.SIGINFO_SIZE);
// pid → start time of children we reaped: after a reap the pid may be
// recycled, so P_PID answers (no pidfd) about it must not be trusted.
const reaped = new Map<number, number>();
// Live children, checked on every SIGCHLD for onChildExit.
const children = new Map<number, ProcessHandle>();

const isReaped = (h: ProcessHandle): boolean => reaped.get(h.pid) === h.startTime;

/**
 * waitid(WEXITED|WNOHANG|WNOWAIT) on our child: 'alive', 'exited' (zombie,
 * status kept), 'gone' (ECHILD: reaped), or 'unknown' (no usable pidfd/P_PIDFD).
 */
function peekChild(h: ProcessHandle): 'alive' | 'exited' | 'gone' | 'unknown' {
  if (isReaped(h)) return 'gone';
  info.writeInt32LE(0, c.SI_PID);
  const flags = c.WEXITED | c.WNOHANG | c.WNOWAIT;
  const r = h.pidfd >= 0 ? c.waitid(c.P_PIDFD, h.pidfd, info, flags) : c.waitid(c.P_PID, h.pid, info, flags);
  if (r === 0) {
    // Without a pidfd the pid alone is asked about, and a reused pid may be
    // another child of ours: only the start time tells the two apart.
    if (h.pidfd < 0 && !sameStart(h)) return 'gone';
    return info.readInt32LE(c.SI_PID) === 0 ? 'alive' : 'exited';
  }
  const e = c.errno();
  if (e === c.ERRNO.ECHILD) return 'gone';
  return 'unknown'; // EINVAL (kernel < 5.4 lacks P_PIDFD) or EBADF: ask /proc.
}

/** Does the pid still carry the handle's start time (a zombie does; a reused pid does not)? */
function sameStart(h: ProcessHandle): boolean {
  return readStat(h.pid)?.startTime === h.startTime;
}

/** Liveness from /proc + kill(0): for adopted processes and fallbacks. Never mutates. */
function procAlive(h: ProcessHandle): boolean {
  const st = readStat(h.pid);
  if (st === null || st.startTime !== h.startTime) return false; // gone, or pid reused
  if (st.state === 'Z' || st.state === 'X') return false;
  if (c.kill(h.pid, 0) === 0) return true;
  return c.errno() === c.ERRNO.EPERM;
}

/**
 * Is the process alive? NON-MUTATING: an exited child stays a zombie with its
 * status for reap(). A zombie is NOT running (kill(pid, 0) would say it is).
 * For our own child with a pidfd this is one waitid call, no file reads.
 */
export function isRunning(handle: ProcessHandle): boolean {
  if (!(handle.pid > 0)) return false;
  if (handle.isChild) {
    const p = peekChild(handle);
    if (p === 'alive') return true;
    if (p === 'exited' || p === 'gone') return false;
  }
  // Adopted processes: waitid always says ECHILD for non-children, so /proc decides.
  return procAlive(handle);
}

const stateNames: Record<string, ProcessStateName> = {
  R: 'running', S: 'sleeping', D: 'disk-sleep', T: 'stopped', t: 'stopped', Z: 'zombie', X: 'gone',
};

/** State, parent, group and command name from /proc/<pid>/stat; 'gone' when absent or the pid was reused. */
export function probe(handle: ProcessHandle): ProbeResult {
  const st = handle.pid > 0 ? readStat(handle.pid) : null;
  if (st === null || st.startTime !== handle.startTime) return { state: 'gone', letter: null, ppid: null, pgid: null, comm: null };
  return { state: stateNames[st.state] ?? 'other', letter: st.state, ppid: st.ppid, pgid: st.pgrp, comm: st.comm };
}

/**
 * waitid on our child with `flags` (WNOHANG, maybe WNOWAIT) into the shared
 * buffer, decoded. Without a pidfd the pid must still carry our start time,
 * or the status read would be another process's.
 */
function waitChild(handle: ProcessHandle, flags: number, what: string): ReapResult {
  if (!handle.isChild) return { exited: false, reason: 'not-a-child' };
  if (!(handle.pid > 0) || isReaped(handle)) return { exited: false, reason: 'already-reaped' };
  if (handle.pidfd < 0 && !sameStart(handle)) return { exited: false, reason: 'already-reaped' };
  info.writeInt32LE(0, c.SI_PID);
  const r = handle.pidfd >= 0 ? c.waitid(c.P_PIDFD, handle.pidfd, info, flags) : c.waitid(c.P_PID, handle.pid, info, flags);
  if (r !== 0) {
    const e = c.errno();
    if (e === c.ERRNO.ECHILD) return { exited: false, reason: 'already-reaped' };
    throw new c.LibcError('waitid', e, `${what} pid ${handle.pid}`);
  }
  if (info.readInt32LE(c.SI_PID) === 0) return { exited: false, reason: 'running' };
  const code = info.readInt32LE(c.SI_CODE);
  const status = info.readInt32LE(c.SI_STATUS);
  if (code === c.CLD_EXITED) return { exited: true, code: status, signal: null, coreDumped: false };
  return { exited: true, code: null, signal: status, coreDumped: code === c.CLD_DUMPED };
}

/** Consume the exit status of our child without blocking. Safe to call any number of times. */
export function reap(handle: ProcessHandle): ReapResult {
  const r = waitChild(handle, c.WEXITED | c.WNOHANG, 'reap');
  if (r.exited) {
    reaped.set(handle.pid, handle.startTime);
    children.delete(handle.pid);
  }
  return r;
}

/**
 * The exit status of our exited child, read WITHOUT reaping it (WNOWAIT):
 * the zombie and its status stay for reap(), yet the code or signal can be
 * shown at once.
 */
export function peekExit(handle: ProcessHandle): ReapResult {
  return waitChild(handle, c.WEXITED | c.WNOHANG | c.WNOWAIT, 'peek at');
}

/**
 * Is the process-group id still pinned to our process? A pid (hence the
 * pgid number) is not recycled while its owner is alive or an unreaped
 * zombie, so for our child "not yet reaped" is an exact answer. For an
 * adopted process the real parent may reap it and the pid be reused between
 * this check and kill(-pgid): a window of microseconds we cannot close
 * (there is no pidfd-based group kill).
 */
function groupIsOurs(h: ProcessHandle): boolean {
  if (!(h.pgid > 0)) return false;
  if (h.isChild) {
    const p = peekChild(h);
    if (p === 'alive' || p === 'exited') return true;
    if (p === 'gone') return false;
  }
  const st = readStat(h.pid);
  return st !== null && st.startTime === h.startTime && st.pgrp === h.pgid;
}

/**
 * Send a signal to the process (via its pidfd: never a recycled pid) or,
 * with {group:true}, to its whole process group. Returns false when the
 * target no longer exists (including an exited-but-unreaped child);
 * throws LibcError for real failures such as EPERM.
 */
export function sendSignal(handle: ProcessHandle, signal: NodeJS.Signals | number, opts: SignalOptions = {}): boolean {
  const sig = signalNumber(signal);
  if (!(handle.pid > 0)) return false;
  if (opts.group) {
    if (!groupIsOurs(handle)) return false;
    if (c.kill(-handle.pgid, sig) === 0) return true;
    const e = c.errno();
    if (e === c.ERRNO.ESRCH) return false;
    throw new c.LibcError('kill', e, `group ${handle.pgid}, signal ${sig}`);
  }
  // A zombie accepts signals (kill and pidfd_send_signal return 0), yet it is gone: say so.
  if (handle.isChild && peekChild(handle) === 'exited') return false;
  if (handle.pidfd >= 0) {
    if (c.pidfd_send_signal(handle.pidfd, sig) === 0) return true;
    const e = c.errno();
    if (e === c.ERRNO.ESRCH) return false;
    if (e !== c.ERRNO.ENOSYS && e !== c.ERRNO.EBADF) throw new c.LibcError('pidfd_send_signal', e, `pid ${handle.pid}, signal ${sig}`);
  }
  // No pidfd: only signal a pid that still carries our start time.
  if (handle.isChild ? peekChild(handle) === 'gone' : readStat(handle.pid)?.startTime !== handle.startTime) return false;
  if (c.kill(handle.pid, sig) === 0) return true;
  const e = c.errno();
  if (e === c.ERRNO.ESRCH) return false;
  throw new c.LibcError('kill', e, `pid ${handle.pid}, signal ${sig}`);
}

// ---- exit notification ----------------------------------------------------

type PollHandle = ReturnType<typeof koffi.node.poll>;
interface PidfdWatch { poll: PollHandle; callbacks: Set<() => void> }
// libuv allows one poll handle per fd, so watchers of one pidfd share it.
const pidfdWatches = new Map<number, PidfdWatch>();
const ADOPTED_POLL_MS = 250;

function stopPidfdWatch(pidfd: number): void {
  const w = pidfdWatches.get(pidfd);
  if (!w) return;
  pidfdWatches.delete(pidfd);
  w.poll.close();
}

/**
 * Call cb once when the process exits (becomes a zombie or disappears).
 * With a pidfd (children and adopted processes alike) this is epoll on the
 * pidfd inside Node's event loop (koffi.node.poll): no timers, ~1 ms.
 * Without a pidfd: SIGCHLD for children, a 250 ms isRunning poll for adopted.
 * Returns an unsubscribe function. The watch keeps the event loop alive.
 * closeHandle() drops pidfd watches without calling them: unsubscribe first.
 */
export function watchExit(handle: ProcessHandle, cb: () => void): () => void {
  let done = false;
  const fire = (): void => {
    if (done) return;
    done = true;
    unsubscribe();
    cb();
  };
  let unsubscribe: () => void = () => {};
  if (handle.pidfd >= 0) {
    const fd = handle.pidfd;
    let w = pidfdWatches.get(fd);
    if (!w) {
      const callbacks = new Set<() => void>();
      const poll = koffi.node.poll(fd, { readable: true }, () => {
        stopPidfdWatch(fd);
        for (const f of [...callbacks]) f();
      });
      w = { poll, callbacks };
      pidfdWatches.set(fd, w);
    }
    const ww = w;
    ww.callbacks.add(fire);
    unsubscribe = () => {
      ww.callbacks.delete(fire);
      if (ww.callbacks.size === 0) stopPidfdWatch(fd);
    };
  } else if (handle.isChild) {
    unsubscribe = onChildExit((pid) => {
      if (pid === handle.pid) fire();
    });
    children.set(handle.pid, handle);
  } else {
    const t = setInterval(() => {
      if (!isRunning(handle)) fire();
    }, ADOPTED_POLL_MS);
    unsubscribe = () => clearInterval(t);
  }
  // Already gone before we subscribed: report it asynchronously, like an event.
  if (!isRunning(handle)) setImmediate(fire);
  return () => {
    done = true;
    unsubscribe();
  };
}

const exitListeners = new Set<(pid: number) => void>();
let sigchldInstalled = false;

function checkChildren(): void {
  for (const [pid, h] of children) {
    if (isRunning(h)) continue;
    children.delete(pid);
    for (const l of [...exitListeners]) {
      try {
        l(pid);
      } catch (e) {
        process.emitWarning(`onChildExit listener threw for pid ${pid}: ${(e as Error).message}`);
      }
    }
  }
}

/**
 * Notify when any child spawned through spawnProcess exits. Driven by
 * SIGCHLD: each signal (they coalesce) triggers a non-mutating waitid check
 * of every registered live child. Statuses stay for reap().
 * Like any Node signal listener it does NOT keep the event loop alive:
 * something else must (a server, a timer, or watchExit, which does).
 */
export function onChildExit(listener: (pid: number) => void): () => void {
  exitListeners.add(listener);
  if (!sigchldInstalled) {
    process.on('SIGCHLD', checkChildren);
    sigchldInstalled = true;
  }
  // A child may have exited before anyone listened.
  setImmediate(checkChildren);
  // The handler stays installed: an idle signal handle costs nothing.
  return () => {
    exitListeners.delete(listener);
  };
}

// ---- lifecycle ----------------------------------------------------------------

/** Start a program (see spawn.ts); the child is registered for onChildExit. */
export function spawnProcess(opts: SpawnOptions): SpawnResult {
  const r = spawnRaw(opts);
  children.set(r.handle.pid, r.handle);
  return r;
}

function waitForExit(handle: ProcessHandle, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stop();
      resolve(false);
    }, ms);
    const stop = watchExit(handle, () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

// After SIGKILL only uninterruptible sleep can delay the exit; don't wait forever.
const KILL_WAIT_MS = 10_000;

/**
 * Stop the process and its group: `signal` to the group, up to graceMs for the
 * leader to exit, then SIGKILL to the group. Once the leader has exited (and
 * before reaping it, while its pgid is still pinned) stragglers left in the
 * group get SIGKILL too, so no orphan survives. Returns reap()'s result
 * ('not-a-child' for adopted processes, after they are gone).
 */
export async function terminate(handle: ProcessHandle, opts: TerminateOptions = {}): Promise<ReapResult> {
  const graceMs = opts.graceMs ?? 5000;
  const first = opts.signal ?? 'SIGTERM';
  if (isRunning(handle)) {
    if (!sendSignal(handle, first, { group: true })) sendSignal(handle, first);
    if (!(await waitForExit(handle, graceMs))) {
      if (!sendSignal(handle, 'SIGKILL', { group: true })) sendSignal(handle, 'SIGKILL');
      await waitForExit(handle, KILL_WAIT_MS);
    }
  }
  try {
    sendSignal(handle, 'SIGKILL', { group: true });
  } catch {
    // e.g. EPERM from a member that changed uid: still reap the leader below.
  }
  return reap(handle);
}

/** Close the pidfd (idempotent). The handle then falls back to pid + start-time checks. */
export function closeHandle(handle: ProcessHandle): void {
  if (handle.pidfd < 0) return;
  stopPidfdWatch(handle.pidfd);
  c.close(handle.pidfd);
  // The fd number may be reused at once: the handle must never name it again.
  (handle as { pidfd: number }).pidfd = -1;
}

/**
 * Re-adopt a process started by an earlier Vigil: pidfd_open, then verify the
 * start time (in that order, so the pidfd cannot name a recycled pid).
 * Null when the process is gone or the pid now belongs to someone else.
 */
export function adoptProcess(pid: number, startTime: number): ProcessHandle | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  let pidfd = c.pidfd_open(pid);
  if (pidfd < 0) {
    const e = c.errno();
    if (e === c.ERRNO.ESRCH) return null;
    pidfd = -1; // ENOSYS etc.: continue with pid + start time only
  }
  const st = readStat(pid);
  if (st === null || st.startTime !== startTime) {
    if (pidfd >= 0) c.close(pidfd);
    return null;
  }
  // It may be ours after all (e.g. adopted within the same run): then waitid works.
  const isChild = st.ppid === process.pid;
  return { pid, pidfd, startTime, pgid: st.pgrp, isChild };
}
