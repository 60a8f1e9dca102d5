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

  it('on an APU, low memory names the backends holding GTT (host RAM no RSS shows) and counts it in its figures', () => {
    const [a] = evaluateAlerts({ memAvailableBelowBytes: 4 * GiB }, sys(3), [
      { id: 'llm', memoryLimit: null, rss: 1 * GiB, gtt: 40 * GiB },
      { id: 'small', memoryLimit: null, rss: 1 * GiB, gtt: 2 * GiB },
      { id: 'cpu', memoryLimit: null, rss: 1 * GiB },
    ]);
    expect(a!.message).toBe('Low memory: 3072 MiB available (4.7% of 65536 MiB), threshold 4096 MiB; GPU GTT (host RAM outside RSS) held by llm 40960 MiB, small 2048 MiB');
    expect(a!.figures.backendsGtt).toBe(42 * GiB);
  });

  it('raises psi-full and per-backend limit alerts', () => {
    const alerts = evaluateAlerts({ psiFullAvg10Above: 5, limitMarginPercent: 10 }, sys(30, 12), [
      { id: 'llama', memoryLimit: 10 * GiB, rss: 9.5 * GiB },
      { id: 'small', memoryLimit: 10 * GiB, rss: 2 * GiB },
      { id: 'nolimit', memoryLimit: null, rss: 60 * GiB },
    ]);
    expect(alerts.map((a) => a.id)).toEqual(['psi-full', 'limit:llama']);
    expect(alerts[1]).toMatchObject({ backend: 'llama', figures: { percentOfLimit: 95, used: 9.5 * GiB, rss: 9.5 * GiB } });
    expect(alerts[1]!.message).toBe('llama uses 9728 MiB (process RSS), 95.0% of its 10240 MiB limit');
  });

  it('judges a backend with a cgroup by the cgroup charge, not its (larger) process RSS', () => {
    const MiB = 2 ** 20;
    const cfg = { limitMarginPercent: 10 }; // threshold 57.6 MiB of 64
    // The real case: RSS counts the shared node binary's file pages and pre-move
    // charges, so it read 77 MiB ("119.6%") while the cgroup held far less.
    expect(evaluateAlerts(cfg, sys(30), [{ id: 'fake', memoryLimit: 64 * MiB, rss: 77 * MiB, cgroupUsage: 20 * MiB }])).toEqual([]);
    const [a] = evaluateAlerts(cfg, sys(30), [{ id: 'fake', memoryLimit: 64 * MiB, rss: 77 * MiB, cgroupUsage: 60 * MiB }]);
    expect(a!.message).toBe('fake uses 60 MiB (cgroup usage), 93.8% of its 64 MiB limit');
    expect(a!.figures).toEqual({ used: 60 * MiB, cgroupUsage: 60 * MiB, memoryLimit: 64 * MiB, percentOfLimit: 93.75, threshold: 0.9 * 64 * MiB });
    // No cgroup figure (runs without one, or the read failed): RSS, and the message says so.
    for (const cgroupUsage of [null, undefined]) {
      const [r] = evaluateAlerts(cfg, sys(30), [{ id: 'fake', memoryLimit: 64 * MiB, rss: 77 * MiB, ...(cgroupUsage === null ? { cgroupUsage } : {}) }]);
      expect(r!.message).toBe('fake uses 77 MiB (process RSS), 120.3% of its 64 MiB limit');
      expect(r!.figures).toMatchObject({ used: 77 * MiB, rss: 77 * MiB });
      expect(r!.figures.cgroupUsage).toBeUndefined();
    }
    // A zero charge is a figure, not a missing one.
    expect(evaluateAlerts(cfg, sys(30), [{ id: 'fake', memoryLimit: 64 * MiB, rss: 77 * MiB, cgroupUsage: 0 }])).toEqual([]);
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

  it('limit alert on cgroup usage: hysteresis applies to the cgroup figure', () => {
    const MiB = 2 ** 20;
    const t = new AlertTracker({ limitMarginPercent: 10, hysteresisPercent: 10 }); // raise at 57.6 MiB, clear below 51.84
    const b = (cg: number) => [{ id: 'x', memoryLimit: 64 * MiB, rss: 200 * MiB, cgroupUsage: cg * MiB }];
    const log: string[] = [];
    for (const cg of [40, 58, 55, 52, 51, 60]) {
      const { raised, cleared } = t.update(sys(30), b(cg));
      for (const a of raised) log.push(`raise@${cg}:${a.figures.cgroupUsage! / MiB}`);
      for (const _ of cleared) log.push(`clear@${cg}`);
    }
    expect(log).toEqual(['raise@58:58', 'clear@51', 'raise@60:60']);
  });
});
