import { describe, expect, it } from 'vitest';
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
  it('hour tier holds 3600 s; day tier holds per-minute averages of complete minutes', () => {
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
    expect(day.series.x![0]).toBe(29.5); // mean of 0..59
    expect(day.series.x![1]).toBe(89.5);
    expect(day.series.y!.slice(0, 3)).toEqual([null, 1, null]);
  });

  it('day tier wraps after daySlots buckets', () => {
    const h = new MemoryHistory({ hourSlots: 10, daySlots: 3, bucketSeconds: 10 });
    for (let s = 0; s < 60; s++) h.record(s, { v: s });
    expect(h.export('day')).toEqual({ resolution: 10, t: [20, 30, 40], series: { v: [24.5, 34.5, 44.5] } });
    expect(h.export('hour').t).toEqual([50, 51, 52, 53, 54, 55, 56, 57, 58, 59]);
  });
});
