import type { BackendStatus } from '../../common/state.js';
import type { Logger } from '../diagnostics.js';
export { LIVE_STATUSES } from '../../common/commands.js';
/**
 * Every legal move. `failed → failed` is a failed start from failed (the
 * reason changes). `stopping` ends in `stopped` (stop), `starting` (restart)
 * or `failed` (restart refused, restart limit, spawn error).
 */
export declare const TRANSITIONS: Readonly<Record<BackendStatus, readonly BackendStatus[]>>;
export declare function canTransition(from: BackendStatus, to: BackendStatus): boolean;
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
export declare class Lifecycle {
    private readonly hooks;
    private readonly opts;
    private current;
    private readonly timers;
    constructor(initial: BackendStatus, hooks: LifecycleHooks, opts: LifecycleOptions);
    get status(): BackendStatus;
    /**
     * The choke point: move to `to` if the table allows it (false when it
     * does not: thrown under `strict`, else logged and refused). Timers whose
     * scope does not hold `to` are disarmed, then `to`'s entry work runs.
     */
    transition(to: BackendStatus, reason: string, pid: number | null): boolean;
    /**
     * Run `fn` after `ms` unless the status leaves `scope` first (which must
     * hold the current status). Returns a disarm function. `unref`: the timer
     * alone does not keep the process alive.
     */
    armWhile(scope: readonly BackendStatus[], ms: number, fn: () => void, unref?: boolean): () => void;
    /** Timers armed now (tests, detach). */
    get armed(): number;
    /** Drop every timer (the supervisor lets go of the backend). */
    disarmAll(): void;
    private clear;
}
