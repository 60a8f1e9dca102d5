// A watched server's lifecycle as an explicit table (the supervisor's state
// machine, with watch mode's own states). Alive: running ⇄ unhealthy, and
// orphaned once the manager that started it has ended. Its end: exited (the
// pidfd said so; the parent has the grace period to collect it), then gone
// (collected), or zombie (still not collected past the grace) and gone when
// its parent, or init after that parent, reaps it.
import type { WatchStatus } from '../../common/watch.js';
import type { TransitionTable } from '../state-machine.js';

export const WATCH_TRANSITIONS: TransitionTable<WatchStatus> = {
  running: ['unhealthy', 'orphaned', 'exited', 'gone'],
  unhealthy: ['running', 'orphaned', 'exited', 'gone'],
  orphaned: ['exited', 'gone'],
  exited: ['zombie', 'gone'],
  zombie: ['gone'],
  gone: [],
};

