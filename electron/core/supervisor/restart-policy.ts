// Restart policy and backoff math, pure so it is tested without processes.
import { formatDuration } from '../../common/format.js';
import type { ExitInfo } from '../../common/state.js';
import type { RestartPolicy, SupervisedBackendConfig } from './types.js';

/** Delay before restart attempt `attempt` (0-based): initial·factor^attempt, capped at max. */
export function backoffDelay(attempt: number, b: SupervisedBackendConfig['restart']['backoff']): number {
  if (b.initialMs <= 0) return 0;
  const d = b.initialMs * Math.pow(Math.max(1, b.factor), Math.max(0, attempt));
  return Math.min(Math.round(d), b.maxMs);
}

/** Should an unexpected exit lead to a restart under this policy? */
export function wantsRestart(policy: RestartPolicy, exit: Pick<ExitInfo, 'code' | 'signal' | 'reason'>): boolean {
  if (policy === 'always') return true;
  if (policy === 'never') return false;
  // on-failure: anything but a clean exit 0 (a signal, an OOM kill, a non-zero code).
  return !(exit.code === 0 && exit.signal === null);
}

/** After an unexpected exit: stay down, give up (the limit is reached), or restart after `delay` ms. */
export type AfterExit = { kind: 'stay' } | { kind: 'failed'; reason: string } | { kind: 'backoff'; delay: number };

const STAY: AfterExit = { kind: 'stay' };

/** Decide what follows an exit; a planned restart is counted against the limit. */
export function planAfterExit(restart: SupervisedBackendConfig['restart'], exit: ExitInfo, limiter: RestartLimiter): AfterExit {
  if (!wantsRestart(restart.policy, exit)) return STAY;
  if (limiter.exceeded()) return { kind: 'failed', reason: `${limiter.describe()} (last: ${exit.reason})` };
  const delay = backoffDelay(limiter.recent(), restart.backoff);
  limiter.record();
  return { kind: 'backoff', delay };
}

/**
 * Sliding-window restart limit: at most `count` restarts within `windowMs`.
 * `record` is called per restart; `exceeded` tells whether one more is allowed.
 * Times are monotonic (performance.now): a wall clock set back or forward
 * must neither hold a slow crash loop nor let a fast one run forever.
 */
export class RestartLimiter {
  private times: number[] = [];
  constructor(private limit: { count: number; windowMs: number }) {}

  setLimit(limit: { count: number; windowMs: number }): void {
    this.limit = limit;
  }

  /** Would another restart at `now` go over the limit? */
  exceeded(now = performance.now()): boolean {
    this.prune(now);
    return this.limit.count >= 0 && this.times.length >= this.limit.count;
  }

  record(now = performance.now()): void {
    this.prune(now);
    this.times.push(now);
  }

  /** Restarts within the window (for backoff growth). */
  recent(now = performance.now()): number {
    this.prune(now);
    return this.times.length;
  }

  reset(): void {
    this.times = [];
  }

  describe(): string {
    const n = this.limit.count;
    return `restart limit reached: ${n} restart${n === 1 ? '' : 's'} in ${formatDuration(this.limit.windowMs)}`;
  }

  private prune(now: number): void {
    const from = now - this.limit.windowMs;
    while (this.times.length && this.times[0]! <= from) this.times.shift();
  }
}
