// A lifecycle as an explicit table, and the one place a status changes.
// Modelled on systemd's service_set_state(): a move the table does not list
// is refused loudly, and timers belong to states — armed on entering one,
// disarmed on leaving it — so no timer of an old state can act in a new one.
// The supervisor's backends and watch mode's servers each give their own
// table of states.
import type { Logger } from './diagnostics.js';

/** Every legal move, per state. */
export type TransitionTable<S extends string> = Readonly<Record<S, readonly S[]>>;

export interface LifecycleHooks<S extends string> {
  /** The status changed: publish it and say so (event). Runs before `enter`. */
  changed(from: S, to: S, reason: string, pid: number | null): void;
  /** Entry work of `to`: arm its timers (the timers of `from` are already disarmed unless their scope includes `to`). */
  enter(to: S, from: S): void;
}

export interface LifecycleOptions {
  /** Throw on an illegal move (tests) instead of logging and refusing it. */
  strict?: boolean;
  log: Logger;
  /** Names the process in diagnostics. */
  name: string;
}

interface StateTimer<S> {
  scope: readonly S[];
  timer: NodeJS.Timeout;
}

export class StateMachine<S extends string> {
  private current: S;
  private readonly timers = new Set<StateTimer<S>>();

  constructor(
    readonly table: TransitionTable<S>,
    initial: S,
    private readonly hooks: LifecycleHooks<S>,
    private readonly opts: LifecycleOptions,
  ) {
    this.current = initial;
  }

  get status(): S {
    return this.current;
  }

  can(to: S): boolean {
    return this.table[this.current].includes(to);
  }

  /**
   * The choke point: move to `to` if the table allows it (false when it
   * does not: thrown under `strict`, else logged and refused). Timers whose
   * scope does not hold `to` are disarmed, then `to`'s entry work runs.
   */
  transition(to: S, reason: string, pid: number | null): boolean {
    const from = this.current;
    if (!this.table[from].includes(to)) {
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
  armWhile(scope: readonly S[], ms: number, fn: () => void, unref = false): () => void {
    const t: StateTimer<S> = {
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

  /** Drop every timer (the owner lets go of the process). */
  disarmAll(): void {
    for (const t of this.timers) this.clear(t);
  }

  private clear(t: StateTimer<S>): void {
    clearTimeout(t.timer);
    this.timers.delete(t);
  }
}
