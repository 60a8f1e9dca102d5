import { describe, expect, it } from 'vitest';
import { waitFor } from '../../test-support/helpers.js';
import { delayToBoundary, everyShared, sharedTimerCount } from './shared-interval.js';

describe('everyShared', () => {
  it('aims at the next multiple of the period, never less than half a period away', () => {
    expect(delayToBoundary(1000, 1000)).toBe(1000);
    expect(delayToBoundary(1250, 1000)).toBe(750);
    expect(delayToBoundary(1999.7, 1000)).toBeCloseTo(1000.3); // fired a little early: skip to the boundary after
    expect(delayToBoundary(2003, 2000)).toBe(1997);
  });

  it('jobs of one period share a timer; tickers of 100 and 200 ms fire in the same turn of the event loop', async () => {
    const before = sharedTimerCount();
    const turns: { period: number; turn: number }[] = [];
    let turn = 0;
    // A turn of the loop ends at the next setImmediate: jobs seen with the same counter ran in one wake-up.
    const spin = setInterval(() => setImmediate(() => turn++), 1);
    const stops = [
      everyShared(100, () => turns.push({ period: 100, turn })),
      everyShared(100, () => turns.push({ period: 100, turn })),
      everyShared(200, () => turns.push({ period: 200, turn })),
    ];
    expect(sharedTimerCount()).toBe(before + 2);
    await waitFor(() => turns.filter((t) => t.period === 200).length >= 3, 30_000, 'three 200 ms firings');
    for (const s of stops) s();
    clearInterval(spin);
    expect(sharedTimerCount()).toBe(before);
    const at200 = turns.filter((t) => t.period === 200);
    expect(at200.length).toBeGreaterThanOrEqual(2);
    // Every 200 ms firing has both 100 ms jobs in the very same turn.
    for (const t of at200) expect(turns.filter((u) => u.period === 100 && u.turn === t.turn)).toHaveLength(2);
    const n = turns.length;
    // A new 100 ms job fires twice: the stopped ones, had they a timer left, would have fired meanwhile.
    let fresh = 0;
    const stop = everyShared(100, () => fresh++);
    await waitFor(() => fresh >= 2, 30_000, 'a new job to fire twice');
    stop();
    expect(turns).toHaveLength(n); // stopped: nothing fires
  });
});
