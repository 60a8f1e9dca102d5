// One watched process and what watching it holds (pidfds, probe connection,
// its state machine with the timers of its states), and the narrow view of
// the Watcher that the exit and health logic work through.
import type { ProcessHandle } from '../../../native-bindings/process.js';
import type { StatInfo } from '../../../native-bindings/procfs.js';
import type { WatchEventKind, WatchProcessRef, WatchStatus, WatchedServer } from '../../common/watch.js';
import type { WatchConfig } from '../../common/watch-schema.js';
import type { Logger } from '../diagnostics.js';
import { StateMachine } from '../state-machine.js';
import type { Candidate } from './discovery.js';
import type { WatchProbe } from './health.js';
import { KeptStat } from '../procfs/stat.js';
import { WATCH_TRANSITIONS } from './states.js';

/** Its health probing: one probe at a time, at a modest pace. */
export interface ProbeState {
  probe: WatchProbe | null;
  probing: boolean;
  /** Consecutive failed probes. */
  failures: number;
  nextProbeAt: number;
  nextModelsAt: number;
}

export interface Tracked {
  view: WatchedServer;
  cand: Candidate;
  /** Its status, changed only through `life.transition` (WATCH_TRANSITIONS); timers belong to states. */
  life: StateMachine<WatchStatus>;
  /** pidfd handle (pid + start time): signals never reach a recycled pid. */
  handle: ProcessHandle | null;
  unwatch: (() => void) | null;
  health: ProbeState;
  nextDetailsAt: number;
  /** When it was found; until it has a port, its sockets are looked up at `nextPortsAt`. */
  foundAt: number;
  nextPortsAt: number;
  /** Its /proc/<pid>/stat, kept open: read every tick. */
  stat: KeptStat;
  /** In state T (SIGSTOP) at the last tick. */
  stopped: boolean;
  /** Its parent's pidfd: its end makes a live server an orphan, or hands an unreaped one to init. */
  parentWatch: { ref: WatchProcessRef; handle: ProcessHandle; stop: () => void } | null;
  /** ppid as last read after its exit (who holds it unreaped). */
  heldBy: number | null;
  /** Its parent ended while it was unreaped: only init (or a subreaper) can reap it now. */
  parentEnded: boolean;
  /** Resolved at its exit (the stop action waits on it). */
  exitWaiters: (() => void)[];
}

/** What the exit and health logic need from the Watcher. */
export interface WatchHost {
  readonly config: WatchConfig;
  /** stat of a pid; null when gone. */
  stat(pid: number): StatInfo | null;
  /** A process by pid with its comm (and watched id); null when gone. */
  ref(pid: number): WatchProcessRef | null;
  emit(t: Tracked, kind: WatchEventKind, reason: string): void;
  /** Entry work of a state: arm its timers, release what it no longer needs. */
  enter(t: Tracked, to: WatchStatus, from: WatchStatus): void;
  /** How long a gone server stays listed (OOM lines may arrive late; the dashboard shows what happened). */
  readonly goneRetentionMs: number;
  /** Stop listing it (its retention ran out). */
  forget(t: Tracked): void;
  /** Something a view shows changed (hosts republish). */
  changed(): void;
  /** Take in the kernel's process events queued so far (how an exit ended, told beside the pidfd). */
  settle(): void;
}

export interface TrackedInit {
  procRoot: string;
  view: WatchedServer;
  cand: Candidate;
  handle: ProcessHandle;
  now: number;
  detailsInMs: number;
  log: Logger;
  strict: boolean;
}

export function newTracked(host: WatchHost, o: TrackedInit): Tracked {
  const t: Tracked = {
    view: o.view,
    cand: o.cand,
    life: null as unknown as StateMachine<WatchStatus>,
    handle: o.handle,
    unwatch: null,
    health: { probe: null, probing: false, failures: 0, nextProbeAt: o.now, nextModelsAt: o.now },
    nextDetailsAt: o.now + o.detailsInMs,
    foundAt: o.now,
    nextPortsAt: o.now,
    stat: new KeptStat(`${o.procRoot}/${o.view.pid}/stat`),
    stopped: false,
    parentWatch: null,
    heldBy: null,
    parentEnded: false,
    exitWaiters: [],
  };
  t.life = new StateMachine<WatchStatus>(
    WATCH_TRANSITIONS,
    o.view.status,
    {
      changed: (_from, to) => {
        t.view.status = to;
        t.view.since = Date.now();
        host.changed();
      },
      enter: (to, from) => host.enter(t, to, from),
    },
    { strict: o.strict, log: o.log, name: `watched ${o.view.comm} ${o.view.pid}` },
  );
  return t;
}
