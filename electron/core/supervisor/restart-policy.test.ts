import { describe, expect, it } from 'vitest';
import { backoffDelay, RestartLimiter, wantsRestart } from './restart-policy.js';

describe('restart policy', () => {
  it('backoff grows by factor and caps at max; 0 initial means immediate', () => {
    const b = { initialMs: 1000, factor: 2, maxMs: 5000 };
    expect([0, 1, 2, 3, 4].map((a) => backoffDelay(a, b))).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(backoffDelay(3, { initialMs: 0, factor: 2, maxMs: 5000 })).toBe(0);
  });

  it('on-failure restarts on signals and non-zero codes, not on exit 0; never never does', () => {
    expect(wantsRestart('on-failure', { code: 0, signal: null, reason: '' })).toBe(false);
    expect(wantsRestart('on-failure', { code: 1, signal: null, reason: '' })).toBe(true);
    expect(wantsRestart('on-failure', { code: null, signal: 9, reason: '' })).toBe(true);
    expect(wantsRestart('always', { code: 0, signal: null, reason: '' })).toBe(true);
    expect(wantsRestart('never', { code: null, signal: 9, reason: '' })).toBe(false);
  });

  it('limiter counts restarts within a sliding window', () => {
    const l = new RestartLimiter({ count: 2, windowMs: 1000 });
    expect(l.exceeded(0)).toBe(false);
    l.record(0);
    l.record(500);
    expect(l.exceeded(900)).toBe(true);
    expect(l.exceeded(1001)).toBe(false); // the first fell out of the window
    expect(l.recent(1001)).toBe(1);
    expect(l.describe()).toBe('restart limit reached: 2 restarts in 1s');
    expect(new RestartLimiter({ count: 1, windowMs: 600_000 }).describe()).toBe('restart limit reached: 1 restart in 10m 00s');
  });
});
