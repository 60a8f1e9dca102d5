import { describe, expect, it } from 'vitest';
import { SERIES } from '../../common/state.js';
import { worstOf } from '../../common/state.js';
import { MemoryHistory, RingSeries } from './history.js';

describe('RingSeries', () => {
  it('keeps the newest `capacity` rows across wraparound, oldest first, with null gaps', () => {
    const r = new RingSeries(5, 1);
    for (let t = 100; t < 108; t++) r.push(t, t % 2 ? { a: t } : { a: t, b: -t });
    const h = r.export();
    expect(h.t).toEqual([103, 104, 105, 106, 107]);
    expect(h.series.a).toEqual([103, 104, 105, 106, 107]);
    expect(h.series.b).toEqual([null, -104, null, -106, null]);
    expect(r.length).toBe(5);
  });

  it('exports incrementally with since and a chosen series subset', () => {
    const r = new RingSeries(10, 1);
    for (let t = 1; t <= 6; t++) r.push(t, { a: t, b: 10 * t });
    expect(r.export({ since: 4, series: ['b', 'missing'] })).toEqual({ resolution: 1, t: [5, 6], series: { b: [50, 60], missing: [null, null] } });
    expect(r.export({ since: 6 }).t).toEqual([]);
  });

  it('keeps values to 7 significant digits (a 64 GiB machine to within 4 KiB) and times exactly', () => {
    const r = new RingSeries(3, 1);
    const t = 1_764_633_600; // epoch seconds need more than a float32
    const values = [123_456_789, 64 * 2 ** 30 - 12_345, 0.3, 12.75];
    r.push(t, Object.fromEntries(values.map((v, i) => [`s${i}`, v])));
    const h = r.export();
    expect(h.t).toEqual([t]);
    values.forEach((v, i) => {
      const got = h.series[`s${i}`]![0]!;
      expect(Math.abs(got - v) / v).toBeLessThan(2 ** -23);
      expect(Math.abs(got - v)).toBeLessThanOrEqual(4096);
    });
  });

  it('same time replaces the row; earlier time is ignored; NaN stored as null', () => {
    const r = new RingSeries(4, 1);
    r.push(10, { a: 1 });
    r.push(10, { a: 2 });
    r.push(9, { a: 3 });
    r.push(11, { a: Number.NaN });
    expect(r.export()).toEqual({ resolution: 1, t: [10, 11], series: { a: [2, null] } });
  });

  it('rejects a bad capacity with a clear error', () => {
    expect(() => new RingSeries(0, 1)).toThrow('RingSeries: capacity must be a positive integer, got 0');
  });
});

describe('MemoryHistory', () => {
  it('hour tier holds 3600 s; day tier holds per-minute worst values of complete minutes', () => {
    const h = new MemoryHistory();
    const start = 1_700_000_000 - (1_700_000_000 % 60); // minute-aligned
    // 2 h of samples: x = seconds since start; backend present only in the 2nd minute.
    for (let s = 0; s < 7200; s++) h.record(start + s + 0.4, { x: s, ...(s >= 60 && s < 120 ? { y: 1 } : {}) });
    const hour = h.export('hour');
    expect(hour.resolution).toBe(1);
    expect(hour.t.length).toBe(3600);
    expect(hour.t[0]).toBe(start + 3600);
    expect(hour.t.at(-1)).toBe(start + 7199);
    const day = h.export('day');
    expect(day.resolution).toBe(60);
    expect(day.t.length).toBe(119); // minute 119 is still open
    expect(day.t[0]).toBe(start);
    expect(day.series.x![0]).toBe(59); // max of 0..59
    expect(day.series.x![1]).toBe(119);
    expect(day.series.y!.slice(0, 3)).toEqual([null, 1, null]);
  });

  it('day tier wraps after daySlots buckets', () => {
    const h = new MemoryHistory({ hourSlots: 10, daySlots: 3, bucketSeconds: 10 });
    for (let s = 0; s < 60; s++) h.record(s, { v: s });
    expect(h.export('day')).toEqual({ resolution: 10, t: [20, 30, 40], series: { v: [29, 39, 49] } });
    expect(h.export('hour').t).toEqual([50, 51, 52, 53, 54, 55, 56, 57, 58, 59]);
  });

  it('a one-second spike survives into the day tier: peaks for usage, the dip for MemAvailable', () => {
    const GiB = 2 ** 30;
    const h = new MemoryHistory({ bucketSeconds: 60 });
    const rss = SERIES.backendRss('llama');
    // A steady minute with one bad second at s = 37: the backend jumps to 30 GiB
    // and MemAvailable drops to 1 GiB. An average would show ~8.4 GiB and ~31.5 GiB.
    for (let s = 0; s <= 60; s++) {
      const spike = s === 37;
      h.record(s, {
        [rss]: spike ? 30 * GiB : 8 * GiB,
        [SERIES.memAvailable]: spike ? 1 * GiB : 32 * GiB,
        [SERIES.memUsed]: spike ? 63 * GiB : 32 * GiB,
        [SERIES.psiFullAvg10]: spike ? 40 : 0,
        // Swap shows up only part of the minute; null seconds do not count.
        [SERIES.swapUsed]: s < 10 ? null : s,
      });
    }
    const day = h.export('day');
    expect(day.t).toEqual([0]);
    expect(day.series[rss]).toEqual([30 * GiB]);
    expect(day.series[SERIES.memAvailable]).toEqual([1 * GiB]);
    expect(day.series[SERIES.memUsed]).toEqual([63 * GiB]);
    expect(day.series[SERIES.psiFullAvg10]).toEqual([40]);
    expect(day.series[SERIES.swapUsed]).toEqual([59]);
  });

  it('worstOf: the minimum only for MemAvailable, the maximum for every other series', () => {
    expect(worstOf(SERIES.memAvailable)).toBe('min');
    for (const s of [SERIES.memUsed, SERIES.swapUsed, SERIES.psiSomeAvg10, SERIES.psiFullAvg10, SERIES.backendRss('a'), SERIES.gpuVram('card0'), SERIES.gpuGtt('card0')]) {
      expect(worstOf(s)).toBe('max');
    }
  });

  it('a sample repeated within the same second still counts toward the bucket', () => {
    const h = new MemoryHistory({ bucketSeconds: 10, hourSlots: 20 });
    h.record(3.1, { [SERIES.memAvailable]: 5 });
    h.record(3.9, { [SERIES.memAvailable]: 2 }); // replaces the hour row, but the dip is still the minute's worst
    h.record(4, { [SERIES.memAvailable]: 6 });
    h.record(10, { [SERIES.memAvailable]: 9 });
    expect(h.export('hour').series[SERIES.memAvailable]).toEqual([2, 6, 9]);
    expect(h.export('day')).toEqual({ resolution: 10, t: [0], series: { [SERIES.memAvailable]: [2] } });
  });
});
