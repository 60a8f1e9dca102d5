import { describe, expect, it } from 'vitest';
import { appendHistory, createHistoryBuffer, decimate, groupLargest, lastTime, ownRuns, stack, sumColumns } from './history-buffer.js';

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
    // The first series had no process at point 1: 0 there, so the band above it has its lower edge.
    expect(out).toEqual([[1, 0, null], [3, 5, null], [6, 6, null]]);
  });
});

describe('ownRuns', () => {
  it('gives the stretches where a series has a value of its own (its line is drawn there only)', () => {
    expect(ownRuns([5, 6, null, null, 7, 8, null], 0, 6)).toEqual([[0, 1], [4, 5]]);
    expect(ownRuns([null, null], 0, 1)).toEqual([]);
    expect(ownRuns([1, 2, 3], 1, 2)).toEqual([[1, 2]]);
    expect(ownRuns([1, null, 3], 0, 2)).toEqual([[0, 0], [2, 2]]);
  });
});

describe('decimate', () => {
  it('keeps peaks (max) or dips (min) per bucket and the bucket end time', () => {
    const t = [1, 2, 3, 4, 5, 6];
    const used = [1, 9, 2, 3, null, null];
    const avail = [8, 1, 7, 6, 5, 4];
    const out = decimate(t, [used, avail], 3, ['max', 'min']);
    expect(out.t).toEqual([2, 4, 6]);
    expect(out.cols).toEqual([[9, 3, null], [1, 6, 4]]);
  });
  it('returns copies unchanged when already small enough', () => {
    const out = decimate([1, 2], [[1, 2]], 10);
    expect(out).toEqual({ t: [1, 2], cols: [[1, 2]] });
  });
  it('covers every input point exactly once with uneven bucket sizes', () => {
    const t = Array.from({ length: 10 }, (_, i) => i);
    const out = decimate(t, [t.map(() => 1)], 3);
    expect(out.t).toEqual([2, 5, 9]);
    expect(out.t.length).toBe(3);
  });
});

describe('groupLargest / sumColumns', () => {
  it('keeps the largest series by peak and folds the rest into "others"', () => {
    const b = createHistoryBuffer(3600);
    appendHistory(b, { resolution: 1, t: [1, 2], series: { a: [1, 1], b: [5, 50], c: [3, 3], d: [10, null] } });
    const g = groupLargest(b, ['a', 'b', 'c', 'd'], 3);
    expect(g).toEqual([
      { label: null, members: ['b'] },
      { label: null, members: ['d'] },
      { label: '2 others', members: ['c', 'a'] },
    ]);
    expect(groupLargest(b, ['a', 'b'], 3)).toEqual([{ label: null, members: ['a'] }, { label: null, members: ['b'] }]);
  });
  it('sums element-wise, keeping all-null points null', () => {
    expect(sumColumns([[1, null, null], [2, 3, null]], 3)).toEqual([3, 3, null]);
  });
});
