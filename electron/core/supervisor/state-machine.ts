// A backend's lifecycle as an explicit table of legal moves, run by the
// core's generic state machine (one place a status changes, timers per state).
import type { BackendStatus } from '../../common/state.js';
import { StateMachine, type LifecycleHooks as StateHooks, type LifecycleOptions, type TransitionTable } from '../state-machine.js';

export { LIVE_STATUSES } from '../../common/status.js';

/**
 * Every legal move. `failed → failed` is a failed start from failed (the
 * reason changes). `stopping` ends in `stopped` (stop), `starting` (restart)
 * or `failed` (restart refused, restart limit, spawn error).
 */
export const TRANSITIONS: TransitionTable<BackendStatus> = {
  stopped: ['starting', 'failed'],
  starting: ['loading', 'ready', 'unhealthy', 'stopping', 'exited'],
  loading: ['ready', 'unhealthy', 'stopping', 'exited'],
  ready: ['loading', 'unhealthy', 'stopping', 'exited'],
  unhealthy: ['loading', 'ready', 'stopping', 'exited'],
  stopping: ['stopped', 'starting', 'failed'],
  exited: ['backoff', 'failed', 'starting', 'stopped'],
  backoff: ['starting', 'stopped', 'failed'],
  failed: ['starting', 'stopped', 'failed'],
};

export function canTransition(from: BackendStatus, to: BackendStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export type LifecycleHooks = StateHooks<BackendStatus>;
export type { LifecycleOptions };

/** A backend's lifecycle: the generic state machine over the table above. */
export class Lifecycle extends StateMachine<BackendStatus> {
  constructor(initial: BackendStatus, hooks: LifecycleHooks, opts: LifecycleOptions) {
    super(TRANSITIONS, initial, hooks, opts);
  }
}
