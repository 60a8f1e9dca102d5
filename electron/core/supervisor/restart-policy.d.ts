import type { ExitInfo } from '../../common/state.js';
import type { RestartPolicy, SupervisedBackendConfig } from './types.js';
/** Delay before restart attempt `attempt` (0-based): initial·factor^attempt, capped at max. */
export declare function backoffDelay(attempt: number, b: SupervisedBackendConfig['restart']['backoff']): number;
/** Should an unexpected exit lead to a restart under this policy? */
export declare function wantsRestart(policy: RestartPolicy, exit: Pick<ExitInfo, 'code' | 'signal' | 'reason'>): boolean;
/** After an unexpected exit: stay down, give up (the limit is reached), or restart after `delay` ms. */
export type AfterExit = {
    kind: 'stay';
} | {
    kind: 'failed';
    reason: string;
} | {
    kind: 'backoff';
    delay: number;
};
/** Decide what follows an exit; a planned restart is counted against the limit. */
export declare function planAfterExit(restart: SupervisedBackendConfig['restart'], exit: ExitInfo, limiter: RestartLimiter): AfterExit;
/**
 * Sliding-window restart limit: at most `count` restarts within `windowMs`.
 * `record` is called per restart; `exceeded` tells whether one more is allowed.
 * Times are monotonic (performance.now): a wall clock set back or forward
 * must neither hold a slow crash loop nor let a fast one run forever.
 */
export declare class RestartLimiter {
    private limit;
    private times;
    constructor(limit: {
        count: number;
        windowMs: number;
    });
    setLimit(limit: {
        count: number;
        windowMs: number;
    }): void;
    /** Would another restart at `now` go over the limit? */
    exceeded(now?: number): boolean;
    record(now?: number): void;
    /** Restarts within the window (for backoff growth). */
    recent(now?: number): number;
    reset(): void;
    describe(): string;
    private prune;
}
