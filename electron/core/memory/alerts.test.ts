import { describe, expect, it } from 'vitest';
import type { SystemMemory } from '../../common/state.js';
import { AlertTracker, evaluateAlerts } from './alerts.js';

const GiB = 2 ** 30;
const sys = (availGiB: number, fullAvg10 = 0): { system: SystemMemory } => ({
  system: { time: 1000, memTotal: 64 * GiB, memAvailable: availGiB * GiB, swapTotal: 0, swapFree: 0, psi: { someAvg10: fullAvg10 * 2, someAvg60: 0, fullAvg10, fullAvg60: 0 } },
});

describe('evaluateAlerts', () => {
  it('raises mem-available on the stricter of bytes and percent, with figures', () => {
    const cfg = { memAvailableBelowBytes: 2 * GiB, memAvailableBelowPercent: 5 }; // 5% of 64 GiB = 3.2 GiB
    expect(evaluateAlerts(cfg, sys(4), [])).toEqual([]);
    const [a] = evaluateAlerts(cfg, sys(3), []);
    expect(a).toMatchObject({ id: 'mem-available', backend: null, since: 1000, figures: { memAvailable: 3 * GiB, threshold: 0.05 * 64 * GiB } });
    expect(a!.message).toBe('Low memory: 3072 MiB available (4.7% of 65536 MiB), threshold 3277 MiB');
  });

  it('raises psi-full and per-backend limit alerts', () => {
    const alerts = evaluateAlerts({ psiFullAvg10Above: 5, limitMarginPercent: 10 }, sys(30, 12), [
      { id: 'llama', memoryLimit: 10 * GiB, rss: 9.5 * GiB },
      { id: 'small', memoryLimit: 10 * GiB, rss: 2 * GiB },
      { id: 'nolimit', memoryLimit: null, rss: 60 * GiB },
    ]);
    expect(alerts.map((a) => a.id)).toEqual(['psi-full', 'limit:llama']);
    expect(alerts[1]).toMatchObject({ backend: 'llama', figures: { percentOfLimit: 95 } });
  });

  it('no system sample: only backend alerts can fire; no thresholds configured: nothing', () => {
    expect(evaluateAlerts({ memAvailableBelowBytes: 1e18 }, { system: null }, [])).toEqual([]);
    expect(evaluateAlerts({}, sys(0.1, 99), [{ id: 'x', memoryLimit: 1, rss: 2 }])).toEqual([]);
  });
});

describe('AlertTracker', () => {
  it('one raise when it starts, one clear when it ends, no flapping around the threshold', () => {
    const t = new AlertTracker({ memAvailableBelowBytes: 4 * GiB, hysteresisPercent: 10 });
    const seq = [5, 3.9, 4.1, 3.95, 4.2, 4.39, 4.5, 4.3, 3.8];
    const log: string[] = [];
    for (const g of seq) {
      const { raised, cleared } = t.update(sys(g), []);
      for (const a of raised) log.push(`raise@${g}:${a.figures.memAvailable! / GiB}`);
      for (const _ of cleared) log.push(`clear@${g}`);
    }
    // 4.1, 4.2, 4.39 stay inside the 10% band (< 4.4): no clear; 4.5 clears; 4.3 is above 4: nothing; 3.8 raises again.
    expect(log).toEqual(['raise@3.9:3.9', 'clear@4.5', 'raise@3.8:3.8']);
  });

  it('keeps the start time while active, refreshes figures, and does not clear on a missing system sample', () => {
    const t = new AlertTracker({ psiFullAvg10Above: 10 });
    const a = sys(30, 20);
    a.system.time = 111;
    t.update(a, []);
    const b = sys(30, 30);
    b.system.time = 222;
    expect(t.update(b, [])).toEqual({ raised: [], cleared: [] });
    expect(t.active()[0]).toMatchObject({ since: 111, figures: { fullAvg10: 30 } });
    expect(t.update({ system: null }, []).cleared).toEqual([]);
    expect(t.update(sys(30, 1), []).cleared.map((x) => x.id)).toEqual(['psi-full']);
    expect(t.active()).toEqual([]);
  });
});
