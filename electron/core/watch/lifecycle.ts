// A watched server's end, and its manager's, seen from outside. The pidfd
// turns readable the moment it exits; it is then `exited`, and /proc says
// whether its parent has collected it, looked at again every few tens of ms.
// A parent normally collects within milliseconds, so it is called a zombie
// only when /proc still says Z after the grace period, naming the parent
// that has not reaped it. The parent's own pidfd is watched from discovery
// on: when a manager (not a shell or init) ends while its server lives on,
// the server is orphaned; when a parent ends while its child is unreaped,
// the child passes to init (or a subreaper), which reaps it, at once or at
// its next round. Every status change goes through the server's state
// machine (states.ts); the timers here belong to the state that arms them.
import { adoptProcess, closeHandle, watchExit } from '../../../native-bindings/process.js';
import { WATCHED_EXIT_STATUS_NOTE, describeWatched, isShellOrInit } from '../../common/watch.js';
import type { WatchStatus } from '../../common/watch.js';
import type { Tracked, WatchHost } from './tracked.js';

/** Between looks at an exited server's /proc entry while its parent may still collect it. */
const LOOK_MS = 50;
/** Between looks after its parent ended, until init (or a subreaper) reaps it. */
const HEIR_LOOK_MS = 100;
const HEIR_LOOKS = 100;
/** Looks for the reparenting after a manager's exit (the kernel reparents before the pidfd says so; a look or two is slack). */
const ORPHAN_LOOKS = 5;

const isZombieOf = (t: Tracked, st: { startTime: number; state: string } | null): boolean => st !== null && st.startTime === t.view.startTime && st.state === 'Z';

/** Entry work of each state: its timers (disarmed by the state machine on leaving it) and what it no longer needs. */
export function enterState(host: WatchHost, t: Tracked, to: WatchStatus): void {
  switch (to) {
    case 'exited': {
      // Look often: a parent that collects within the grace makes it gone, never a zombie.
      const look = (): void => {
        recheckUnreaped(host, t);
        if (t.life.status === 'exited') t.life.armWhile(['exited'], LOOK_MS, look, true);
      };
      t.life.armWhile(['exited'], LOOK_MS, look, true);
      t.life.armWhile(['exited'], host.config.zombieGrace, () => checkZombie(host, t), true);
      return;
    }
    case 'zombie':
      if (t.parentEnded) armHeirLooks(host, t);
      return;
    case 'gone':
      release(t);
      // Listed a while longer (a late OOM line finds it; the dashboard shows what happened), then forgotten.
      t.life.armWhile(['gone'], host.goneRetentionMs, () => host.forget(t), true);
      return;
    default:
  }
}

/** It exited: `live` when the pidfd said so the moment it happened, false when found exited. */
export function onExit(host: WatchHost, t: Tracked, live: boolean): void {
  const v = t.view;
  if (v.exitedAt !== null) return;
  const now = Date.now();
  host.settle();
  t.unwatch?.();
  t.unwatch = null;
  t.health.probe?.close();
  t.health.probe = null;
  v.exitedAt = now;
  v.exitSeenLive = live;
  v.memory = null;
  const st = host.stat(v.pid);
  if (isZombieOf(t, st)) {
    // Unreaped for now; a careful parent collects within milliseconds.
    t.heldBy = st!.ppid;
    t.life.transition('exited', 'exited; its parent has not collected it yet', v.pid);
  } else {
    markGone(host, t);
  }
  host.emit(t, 'exited', `${v.comm} ${v.pid} exited${v.exit ? (v.exit.signal ? `, killed by ${v.exit.signal}` : ` with status ${v.exit.code}`) + " (the kernel's process events)" : `; ${WATCHED_EXIT_STATUS_NOTE}`}`);
  for (const w of t.exitWaiters.splice(0)) w();
}

/** Still unreaped past the grace period: a zombie; flag it with the parent that has not reaped it. */
export function checkZombie(host: WatchHost, t: Tracked): void {
  if (t.life.status !== 'exited') return;
  const st = host.stat(t.view.pid);
  if (!isZombieOf(t, st)) return markGone(host, t);
  t.heldBy = st!.ppid;
  const parent = host.ref(st!.ppid);
  t.view.zombieParent = parent;
  t.view.zombieSince = t.view.exitedAt;
  t.life.transition('zombie', 'not reaped within the grace period', t.view.pid);
  host.emit(t, 'zombie', describeWatched(t.view, Date.now()));
  // The parent we watched may not be the one holding it now (it was reparented before): watch the holder.
  if (parent && t.parentWatch?.ref.pid !== parent.pid) {
    dropParentWatch(t);
    watchParent(host, t, parent.pid);
  }
}

/** A tick's (or a timer's) look at an unreaped server: gone, or who holds it now. */
export function recheckUnreaped(host: WatchHost, t: Tracked): void {
  if (t.life.status !== 'exited' && t.life.status !== 'zombie') return;
  const st = host.stat(t.view.pid);
  if (!isZombieOf(t, st)) markGone(host, t);
  else t.heldBy = st!.ppid;
}

/** Reaped: by the parent it had, or by init (or a subreaper) after that parent ended. */
export function markGone(host: WatchHost, t: Tracked): void {
  const v = t.view;
  if (t.life.status === 'gone') return;
  const flagged = v.zombieSince !== null;
  const parent = v.zombieParent ?? v.manager;
  if (parent) {
    // Reparented (seen, or its parent ended while it was unreaped): the heir reaped it.
    const orphaned = t.parentEnded || (t.heldBy !== null && t.heldBy !== parent.pid);
    if (!orphaned) v.reapedBy = `its parent ${parent.comm} ${parent.pid}`;
    else {
      const heir = t.heldBy !== null && t.heldBy !== parent.pid ? host.ref(t.heldBy) : null;
      const who = heir ? (heir.pid === 1 ? `init (${heir.comm} 1)` : `${heir.comm} ${heir.pid}`) : 'init';
      v.reapedBy = `${who}, after its parent ${parent.comm} ${parent.pid} ended`;
    }
  }
  v.zombieSince = null;
  t.life.transition('gone', v.reapedBy ? `reaped by ${v.reapedBy}` : 'reaped', v.pid);
  if (flagged) host.emit(t, 'reaped', `${v.comm} ${v.pid} is no longer a zombie: reaped by ${v.reapedBy ?? 'its parent'}`);
}

/** Watch the parent's pidfd: its end orphans a live server, or hands an unreaped one to init. */
export function watchParent(host: WatchHost, t: Tracked, ppid: number): void {
  if (t.parentWatch || ppid <= 1) return;
  const ref = host.ref(ppid);
  const pst = ref ? host.stat(ppid) : null;
  if (!ref || !pst) return;
  const handle = adoptProcess(ppid, pst.startTime);
  if (!handle) return;
  const stop = watchExit(handle, () => parentEnded(host, t, Date.now()));
  t.parentWatch = { ref, handle, stop };
}

function parentEnded(host: WatchHost, t: Tracked, at: number): void {
  const parent = t.parentWatch?.ref;
  if (!parent) return;
  dropParentWatch(t);
  const status = t.life.status;
  if (status === 'exited' || status === 'zombie') {
    // Collected by that parent just before it ended? Then it was the parent that reaped it.
    recheckUnreaped(host, t);
    if (t.life.status === 'gone') return;
    t.parentEnded = true;
    if (t.life.status === 'zombie') armHeirLooks(host, t);
    return;
  }
  if (status !== 'running' && status !== 'unhealthy') return;
  // A shell or init ending on purpose leaves no orphan: only a manager's end does.
  if (isShellOrInit(parent)) return;
  let left = ORPHAN_LOOKS;
  const look = (): void => {
    if (t.life.status !== 'running' && t.life.status !== 'unhealthy') return;
    const st = host.stat(t.view.pid);
    if (!st || st.startTime !== t.view.startTime || st.state === 'Z' || st.state === 'X') return; // it ended too: its pidfd tells
    if (t.view.exit || t.view.lastOom) return; // already killed (the kernel said so), only not yet done exiting: no orphan
    if (st.ppid === parent.pid) {
      if (--left > 0) t.life.armWhile(['running', 'unhealthy'], LOOK_MS, look, true);
      return;
    }
    markOrphaned(host, t, parent, at, st.ppid);
  };
  look();
}

function markOrphaned(host: WatchHost, t: Tracked, manager: NonNullable<Tracked['parentWatch']>['ref'], exitedAt: number, ppid: number): void {
  const v = t.view;
  v.orphanedFrom = { manager: { ...manager, watchedId: null }, exitedAt };
  v.manager = host.ref(ppid);
  t.life.transition('orphaned', `its manager ${manager.comm} ${manager.pid} ended`, v.pid);
  const heir = v.manager ? (v.manager.pid === 1 ? 'init' : `${v.manager.comm} ${v.manager.pid}`) : 'init';
  host.emit(t, 'orphaned', `${describeWatched(v, Date.now())}: reparented to ${heir}, still holding its memory`);
}

function armHeirLooks(host: WatchHost, t: Tracked): void {
  let left = HEIR_LOOKS;
  const look = (): void => {
    recheckUnreaped(host, t);
    if (--left > 0 && t.life.status === 'zombie') t.life.armWhile(['zombie'], HEIR_LOOK_MS, look, true);
  };
  t.life.armWhile(['zombie'], HEIR_LOOK_MS, look, true);
}

function dropParentWatch(t: Tracked): void {
  if (!t.parentWatch) return;
  t.parentWatch.stop();
  closeHandle(t.parentWatch.handle);
  t.parentWatch = null;
}

/** Close what watching it holds (pidfds, probe connection, timers). */
export function release(t: Tracked): void {
  t.stat.close();
  t.unwatch?.();
  t.unwatch = null;
  if (t.handle) closeHandle(t.handle);
  t.handle = null;
  t.health.probe?.close();
  t.health.probe = null;
  t.life.disarmAll();
  dropParentWatch(t);
}
