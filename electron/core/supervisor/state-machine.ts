// A backend's lifecycle as an explicit table, and the one place a status
// changes. Modelled on systemd's service_set_state(): a move the table does
// not list is refused loudly, and timers belong to states — armed on
// entering one, disarmed on leaving it — so no timer of an old state can act
// in a new one.
import type { BackendStatus } from '../../common/state.js';
import type { Logger } from '../diagnostics.js';

export { LIVE_STATUSES } from '../../common/status.js';

/**
 * Every legal move. `failed → failed` is a failed start from failed (the
 * reason changes). `stopping` ends in `stopped` (stop), `starting` (restart)
 * or `failed` (restart refused, restart limit, spawn error).
 */
export const TRANSITIONS: Readonly<Record<BackendStatus, readonly BackendStatus[]>> = {
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

export interface LifecycleHooks {
  /** The status changed: publish it and say so (event). Runs before `enter`. */
  changed(from: BackendStatus, to: BackendStatus, reason: string, pid: number | null): void;
  /** Entry work of `to`: arm its timers (the timers of `from` are already disarmed unless their scope includes `to`). */
  enter(to: BackendStatus, from: BackendStatus): void;
}

export interface LifecycleOptions {
  /** Throw on an illegal move (tests) instead of logging and refusing it. */
  strict?: boolean;
  log: Logger;
  /** Names the backend in diagnostics. */
  name: string;
}

interface StateTimer {
  scope: readonly BackendStatus[];
  timer: NodeJS.Timeout;
}

export class Lifecycle {
  private current: BackendStatus;
  private readonly timers = new Set<StateTimer>();

  constructor(
    initial: BackendStatus,
    private readonly hooks: LifecycleHooks,
    private readonly opts: LifecycleOptions,
  ) {
    this.current = initial;
  }

  get status(): BackendStatus {
    return this.current;
  }

  /**
   * The choke point: move to `to` if the table allows it (false when it
   * does not: thrown under `strict`, else logged and refused). Timers whose
   * scope does not hold `to` are disarmed, then `to`'s entry work runs.
   */
  transition(to: BackendStatus, reason: string, pid: number | null): boolean {
    const from = this.current;
    if (!canTransition(from, to)) {
      const msg = `${this.opts.name}: illegal transition ${from} → ${to} refused`;
      if (this.opts.strict) throw new Error(msg);
      this.opts.log.error(msg, new Error('illegal transition'));
      return false;
    }
    this.current = to;
    for (const t of this.timers) if (!t.scope.includes(to)) this.clear(t);
    this.hooks.changed(from, to, reason, pid);
    this.hooks.enter(to, from);
    return true;
  }

  /**
   * Run `fn` after `ms` unless the status leaves `scope` first (which must
   * hold the current status). Returns a disarm function. `unref`: the timer
   * alone does not keep the process alive.
   */
  armWhile(scope: readonly BackendStatus[], ms: number, fn: () => void, unref = false): () => void {
    const t: StateTimer = {
      scope,
      timer: setTimeout(() => {
        this.timers.delete(t);
        fn();
      }, ms),
    };
    if (unref) t.timer.unref();
    this.timers.add(t);
    return () => this.clear(t);
  }

  /** Timers armed now (tests, detach). */
  get armed(): number {
    return this.timers.size;
  }

  /** Drop every timer (the supervisor lets go of the backend). */
  disarmAll(): void {
    for (const t of this.timers) this.clear(t);
  }

  private clear(t: StateTimer): void {
    clearTimeout(t.timer);
    this.timers.delete(t);
  }
}
