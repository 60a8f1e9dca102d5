// The guard's threshold logic against series of readings:
// - a MemAvailable series recorded here on the real kernel (fixtures/memcg-v1-squeeze.txt:
//   a 600 MiB cgroup squeezed until the kernel's OOM kill), which is what the
//   guard reads on cgroup v1;
// - PSI series as /proc/pressure/memory prints them, from stall timelines put
//   through the kernel's own averaging (kernel/sched/psi.c: every 2 s,
//   avg10 = avg10·e^(-2/10) + stall%·(1 − e^(-2/10))). Real memory pressure
//   cannot be made safely on the shared machine these tests run on, and the
//   guard's decision depends only on the printed avg10, which this reproduces.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePsi } from '../memory/system.js';
import { pickVictim, type Candidate } from './pick.js';
import { describeFigures, PressureJudge, type Reading, type Thresholds } from './threshold.js';

const MiB = 1 << 20;
const LIMIT = 629_145_600;

function memcgSeries(): { reading: Reading; oomKill: number }[] {
  const text = readFileSync(new URL('./fixtures/memcg-v1-squeeze.txt', import.meta.url), 'utf8');
  return text
    .split('\n')
    .filter((l) => /^\d/.test(l))
    .map((l) => {
      const [t, ...kv] = l.split(' ');
      const f = Object.fromEntries(kv.map((p) => p.split('=') as [string, string]));
      return { reading: { t: Number(t), psiFullAvg10: null, total: LIMIT, available: LIMIT - Number(f.usage) + Number(f.inactive_file) }, oomKill: Number(f.oom_kill) };
    });
}

/** /proc/pressure/memory text every `everyMs` for a full-stall timeline (percent per 2 s period). */
function psiSeries(stallPerPeriod: number[], everyMs = 500): { t: number; text: string }[] {
  const e10 = Math.exp(-2 / 10);
  const e60 = Math.exp(-2 / 60);
  let avg10 = 0;
  let avg60 = 0;
  let total = 0;
  const out: { t: number; text: string }[] = [];
  for (let p = 0; p < stallPerPeriod.length; p++) {
    const pct = stallPerPeriod[p]!;
    avg10 = avg10 * e10 + pct * (1 - e10);
    avg60 = avg60 * e60 + pct * (1 - e60);
    total += pct * 20_000; // µs of stall in a 2 s period
    for (let t = (p + 1) * 2000; t < (p + 2) * 2000; t += everyMs) {
      const f = (v: number) => v.toFixed(2);
      out.push({ t, text: `some avg10=${f(Math.min(100, avg10 * 1.3))} avg60=${f(avg60 * 1.3)} avg300=0.00 total=${Math.round(total * 1.3)}\nfull avg10=${f(avg10)} avg60=${f(avg60)} avg300=0.00 total=${Math.round(total)}\n` });
    }
  }
  return out;
}

const psiReadings = (stalls: number[]): Reading[] =>
  psiSeries(stalls).map(({ t, text }) => ({ t, psiFullAvg10: parsePsi(text).fullAvg10, total: 24 * 1024 * MiB, available: 12 * 1024 * MiB }));

const T = (over: Partial<Thresholds> = {}): Thresholds => ({ psiFullAbove: 20, memAvailableBelow: { percent: 5 }, forMs: 2000, cooldownMs: 10_000, ...over });

function firstAct(judge: PressureJudge, readings: readonly Reading[]) {
  for (const r of readings) {
    const v = judge.push(r);
    if (v.act) return { t: r.t, ...v };
  }
  return null;
}

describe('the pressure guard’s threshold', () => {
  it('on the recorded cgroup squeeze it acts before the kernel’s OOM kill, with the figures', () => {
    const series = memcgSeries();
    const killAt = series.find((s) => s.oomKill > 0)!.reading.t;
    const act = firstAct(new PressureJudge(T({ psiFullAbove: null, memAvailableBelow: { percent: 25 }, forMs: 200 })), series.map((s) => s.reading));
    expect(act).not.toBeNull();
    expect(act!.t).toBeLessThan(killAt);
    expect(act!.figures.available).toBeLessThanOrEqual(LIMIT * 0.25);
    expect(act!.figures.heldMs).toBeGreaterThanOrEqual(200);
    expect(act!.figures.by).toEqual(['memAvailable']);
    expect(act!.reason).toMatch(/^for 0\.\d s, MemAvailable 1\d\d MiB \(2\d\.\d % of 600 MiB\)$/);
  });

  it('on the same series a hold longer than the squeeze lasts never acts in time: `for` is part of the race', () => {
    const series = memcgSeries();
    const killAt = series.find((s) => s.oomKill > 0)!.reading.t;
    const act = firstAct(new PressureJudge(T({ psiFullAbove: null, memAvailableBelow: { percent: 25 }, forMs: 10_000 })), series.map((s) => s.reading).filter((r) => r.t < killAt));
    expect(act).toBeNull();
  });

  it('a 2 s burst of stalls stays below 20 % avg10 and never acts', () => {
    const readings = psiReadings([0, 0, 80, 0, 0, 0, 0, 0]);
    expect(Math.max(...readings.map((r) => r.psiFullAvg10!))).toBeLessThan(20);
    expect(firstAct(new PressureJudge(T()), readings)).toBeNull();
  });

  it('sustained thrashing acts `for` after avg10 crosses the threshold, with the worst figure', () => {
    const readings = psiReadings([0, 0, 60, 60, 60, 60, 60, 60, 60, 60]);
    const crossing = readings.find((r) => r.psiFullAvg10! >= 20)!.t;
    const act = firstAct(new PressureJudge(T()), readings)!;
    expect(act.t - crossing).toBeGreaterThanOrEqual(2000);
    expect(act.t - crossing).toBeLessThan(2500); // the next reading after the hold
    expect(act.figures.by).toEqual(['psi']);
    expect(act.reason).toMatch(/^memory pressure \d+ % for 2(\.\d)? s, MemAvailable 12\.0 GiB/);
  });

  it('a dip below the threshold restarts the hold', () => {
    // 60 % then a quiet period that drops avg10 under 20, then 60 % again
    const readings = psiReadings([0, 60, 60, 60, 0, 0, 0, 60, 60, 60, 60, 60, 60]);
    const judge = new PressureJudge(T({ forMs: 5000 }));
    const acts = readings.map((r) => ({ t: r.t, v: judge.push(r) }));
    const firstCrossing = readings.find((r) => r.psiFullAvg10! >= 20)!.t;
    const act = acts.find((a) => a.v.act)!;
    const lastDip = [...readings].reverse().find((r) => r.t < act.t && r.psiFullAvg10! < 20)!.t;
    expect(readings.some((r) => r.t > firstCrossing && r.t < act.t && r.psiFullAvg10! < 20)).toBe(true);
    expect(act.t - lastDip).toBeGreaterThanOrEqual(5000);
  });

  it('after acting it waits the cooldown, then needs the full hold again', () => {
    const readings = psiReadings(Array.from({ length: 20 }, (_, i) => (i < 2 ? 0 : 70)));
    const judge = new PressureJudge(T({ forMs: 1000, cooldownMs: 8000 }));
    const times = readings.filter((r) => judge.push(r).act).map((r) => r.t);
    expect(times.length).toBeGreaterThanOrEqual(2);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(8000);
  });

  it('MemAvailable as a size works like a percent', () => {
    const judge = new PressureJudge(T({ psiFullAbove: null, memAvailableBelow: { bytes: 300 * MiB }, forMs: 0 }));
    expect(judge.push({ t: 0, psiFullAvg10: null, total: 1024 * MiB, available: 301 * MiB }).act).toBe(false);
    const v = judge.push({ t: 1, psiFullAvg10: null, total: 1024 * MiB, available: 290 * MiB });
    expect(v.act).toBe(true);
  });

  it('says the figures the way the notification shows them', () => {
    expect(describeFigures({ heldMs: 4000, psiFullAvg10: 38.4, available: 290 * MiB, total: 24 * 1024 * MiB, by: ['psi', 'memAvailable'] })).toBe('memory pressure 38 % for 4 s, MemAvailable 290 MiB (1.2 % of 24.0 GiB)');
  });
});

describe('which backend the guard stops', () => {
  const c = (id: string, priority: number, bytes: number | null, over: Partial<Candidate> = {}): Candidate => ({ id, status: 'ready', priority, onPressure: 'stop', bytes, ...over });
  it('the lowest priority first, then the largest; never `never`, never one not running', () => {
    expect(pickVictim([c('a', 10, 1), c('b', 5, 1), c('c', 5, 9)])?.id).toBe('c');
    expect(pickVictim([c('a', 1, 99, { onPressure: 'never' }), c('b', 7, 1)])?.id).toBe('b');
    expect(pickVictim([c('a', 1, 99, { status: 'stopped' }), c('b', 1, 1, { status: 'backoff' })])).toBeNull();
    expect(pickVictim([c('a', 1, null), c('b', 1, 5)])?.id).toBe('b');
  });
});
