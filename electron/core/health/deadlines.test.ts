import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Deadlines } from './deadlines.js';

// The timer and the clock it reads are faked: what fires when is exact, however busy the machine.
beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
afterEach(() => void vi.useRealTimers());
const sleep = (ms: number): void => void vi.advanceTimersByTime(ms);

describe('Deadlines', () => {
  it('fires what is due, in any order of adding, and never what was cancelled', async () => {
    const d = new Deadlines();
    const fired: string[] = [];
    d.add(120, () => fired.push('late'));
    const cancel = d.add(40, () => fired.push('cancelled'));
    d.add(60, () => fired.push('early'));
    cancel();
    expect(d.size).toBe(2);
    sleep(90);
    expect(fired).toEqual(['early']);
    sleep(80);
    expect(fired).toEqual(['early', 'late']);
    expect(d.size).toBe(0);
  });

  it('an earlier deadline added later re-arms the timer for itself', async () => {
    const d = new Deadlines();
    const fired: number[] = [];
    const t0 = performance.now();
    d.add(500, () => fired.push(500));
    d.add(30, () => fired.push(performance.now() - t0));
    sleep(120);
    expect(fired).toHaveLength(1);
    expect(fired[0]).toBeGreaterThanOrEqual(29);
    expect(fired[0]).toBeLessThanOrEqual(31);
  });

  it('when every deadline is cancelled no timer is left to keep the process awake', async () => {
    const d = new Deadlines();
    const cancels = Array.from({ length: 50 }, () => d.add(1000, () => expect.unreachable()));
    for (const c of cancels) c();
    cancels[0]!(); // twice is harmless
    expect(d.size).toBe(0);
    // @ts-expect-error private, inspected to prove the timer was cleared
    expect(d.timer).toBeNull();
  });
});
