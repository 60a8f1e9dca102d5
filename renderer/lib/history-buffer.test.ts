import { describe, expect, it } from 'vitest';
import { appendHistory, createHistoryBuffer, lastTime, stack } from './history-buffer.js';

describe('appendHistory', () => {
  it('appends only samples newer than the last one', () => {
    const b = createHistoryBuffer(3600);
    expect(appendHistory(b, { resolution: 1, t: [10, 11], series: { a: [1, 2] } })).toBe(true);
    // An overlapping poll (since is inclusive on some hosts) must not duplicate.
    expect(appendHistory(b, { resolution: 1, t: [11, 12], series: { a: [2, 3] } })).toBe(true);
    expect(b.t).toEqual([10, 11, 12]);
    expect(b.series.get('a')).toEqual([1, 2, 3]);
    expect(lastTime(b)).toBe(12);
    expect(appendHistory(b, { resolution: 1, t: [12], series: { a: [3] } })).toBe(false);
  });

  it('back-fills a new series and null-fills a missing one', () => {
    const b = createHistoryBuffer(3600);
    appendHistory(b, { resolution: 1, t: [1, 2], series: { a: [1, 2] } });
    appendHistory(b, { resolution: 1, t: [3], series: { b: [7] } });
    expect(b.series.get('a')).toEqual([1, 2, null]);
    expect(b.series.get('b')).toEqual([null, null, 7]);
  });

  it('drops samples older than the window', () => {
    const b = createHistoryBuffer(10);
    const t = Array.from({ length: 100 }, (_, i) => i);
    appendHistory(b, { resolution: 1, t, series: { a: t.map((x) => x * 2) } });
    expect(b.t[0]).toBe(89);
    expect(b.t.at(-1)).toBe(99);
    expect(b.series.get('a')![0]).toBe(178);
    expect(b.series.get('a')!.length).toBe(b.t.length);
  });
});

describe('stack', () => {
  it('sums columns cumulatively and keeps all-null points as gaps', () => {
    const out = stack([[1, null, null], [2, 5, null], [3, 1, null]], 3);
    expect(out).toEqual([[1, null, null], [3, 5, null], [6, 6, null]]);
  });
});
