// A watched server's end, seen from outside. The pidfd turns readable the
// moment it exits; /proc then says whether its parent has collected it. A
// parent normally does within milliseconds, so a zombie is flagged only
// after the grace period, naming the parent that has not reaped it. Then the
// parent's own pidfd is watched: when that parent ends, the zombie passes to
// init (or a subreaper), which reaps it, at once or at its next round.
import { adoptProcess, closeHandle, watchExit } from '../../../native-bindings/process.js';
import { WATCHED_EXIT_STATUS_NOTE, describeWatched } from '../../common/watch.js';
import type { Tracked, WatchHost } from './tracked.js';

const ORPHAN_POLL_MS = 100;
const ORPHAN_POLLS = 100;

const isZombieOf = (t: Tracked, st: { startTime: number; state: string } | null): boolean => st !== null && st.startTime === t.view.startTime && st.state === 'Z';

/** It exited: `live` when the pidfd said so the moment it happened, false when found exited. */
export function onExit(host: WatchHost, t: Tracked, live: boolean): void {
  const v = t.view;
  if (v.exitedAt !== null) return;
  const now = Date.now();
  t.unwatch?.();
  t.unwatch = null;
  t.probe?.close();
  t.probe = null;
  v.exitedAt = now;
  v.exitSeenLive = live;
  v.memory = null;
  const st = host.stat(v.pid);
  if (isZombieOf(t, st)) {
    // A zombie until its parent collects it, which a careful parent does within milliseconds.
    host.setStatus(t, 'zombie', now);
    t.zombiePpid = st!.ppid;
    v.zombieParent = host.ref(st!.ppid);
    t.zombieTimer = setTimeout(() => checkZombie(host, t), host.config.zombieGrace);
    t.zombieTimer.unref();
  } else {
    markGone(host, t, now);
  }
  host.emit(t, 'exited', `${v.comm} ${v.pid} exited; ${WATCHED_EXIT_STATUS_NOTE}`);
  for (const w of t.exitWaiters.splice(0)) w();
}

/** Still a zombie past the grace period: flag it, and watch the parent whose end hands it to init. */
export function checkZombie(host: WatchHost, t: Tracked): void {
  t.zombieTimer = null;
  if (t.view.status !== 'zombie') return;
  const st = host.stat(t.view.pid);
  if (!isZombieOf(t, st)) return markGone(host, t, Date.now());
  t.zombiePpid = st!.ppid;
  const parent = host.ref(st!.ppid);
  t.view.zombieParent = parent;
  if (t.view.zombieSince === null) {
    t.view.zombieSince = t.view.exitedAt;
    host.emit(t, 'zombie', describeWatched(t.view, Date.now()));
  }
  const pst = parent ? host.stat(parent.pid) : null;
  if (t.parentWatch || !pst || !parent) return;
  const handle = adoptProcess(parent.pid, pst.startTime);
  if (!handle) return;
  const stop = watchExit(handle, () => {
    if (t.view.status !== 'zombie') return;
    t.parentEnded = true;
    let left = ORPHAN_POLLS;
    t.orphanPoll = setInterval(() => {
      recheckZombie(host, t);
      if (--left <= 0 || t.view.status !== 'zombie') stopOrphanPoll(t);
    }, ORPHAN_POLL_MS);
    t.orphanPoll.unref();
  });
  t.parentWatch = { handle, stop };
}

/** A tick's (or the orphan poll's) look at a zombie: gone, or who its parent is now. */
export function recheckZombie(host: WatchHost, t: Tracked, now = Date.now()): void {
  if (t.view.status !== 'zombie') return;
  const st = host.stat(t.view.pid);
  if (!isZombieOf(t, st)) markGone(host, t, now);
  else t.zombiePpid = st!.ppid;
}

/** Reaped: by the parent it had, or by init (or a subreaper) after that parent ended. */
export function markGone(host: WatchHost, t: Tracked, now: number): void {
  const v = t.view;
  if (v.status === 'gone') return;
  const flagged = v.zombieSince !== null;
  const parent = v.zombieParent ?? v.manager;
  if (parent) {
    // Reparented (seen, or its parent ended while it was a zombie): the heir reaped it.
    const orphaned = t.parentEnded || (t.zombiePpid !== null && t.zombiePpid !== parent.pid);
    if (!orphaned) v.reapedBy = `its parent ${parent.comm} ${parent.pid}`;
    else {
      const heir = t.zombiePpid !== null && t.zombiePpid !== parent.pid ? host.ref(t.zombiePpid) : null;
      const who = heir ? (heir.pid === 1 ? `init (${heir.comm} 1)` : `${heir.comm} ${heir.pid}`) : 'init';
      v.reapedBy = `${who}, after its parent ${parent.comm} ${parent.pid} ended`;
    }
  }
  v.zombieSince = null;
  t.goneAt = now;
  host.setStatus(t, 'gone', now);
  release(t);
  if (flagged) host.emit(t, 'reaped', `${v.comm} ${v.pid} is no longer a zombie: reaped by ${v.reapedBy ?? 'its parent'}`);
}

function stopOrphanPoll(t: Tracked): void {
  if (t.orphanPoll) clearInterval(t.orphanPoll);
  t.orphanPoll = null;
}

/** Close what watching it holds (pidfds, probe connection, timers). */
export function release(t: Tracked): void {
  t.stat.close();
  t.unwatch?.();
  t.unwatch = null;
  if (t.handle) closeHandle(t.handle);
  t.probe?.close();
  t.probe = null;
  if (t.zombieTimer) clearTimeout(t.zombieTimer);
  t.zombieTimer = null;
  stopOrphanPoll(t);
  if (t.parentWatch) {
    t.parentWatch.stop();
    closeHandle(t.parentWatch.handle);
    t.parentWatch = null;
  }
}
