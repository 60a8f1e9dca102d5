import { describe, expect, it } from 'vitest';
import { RecentConsumers } from './recent-consumers.js';

const at = (rss: number) => [{ backend: 'llama', rssBytes: rss }];

describe('RecentConsumers', () => {
  it('answers with the last sample before the kill, not the one after it', () => {
    const r = new RecentConsumers(1000);
    r.record(10_000, at(8e9));
    r.record(11_000, at(8e9));
    r.record(12_000, at(1e6)); // after the kill: the memory is gone
    expect(r.at(11_999)).toEqual(at(8e9));
    expect(r.at(12_000)).toEqual(at(1e6));
    expect(r.at(10_500)).toEqual(at(8e9));
  });

  it('has no answer for a kill older than its samples, far from any, or of unknown time', () => {
    const r = new RecentConsumers(1000);
    r.record(100_000, at(1));
    expect(r.at(50_000)).toBeNull();
    expect(r.at(100_000 + 60_000)).toBeNull();
    expect(r.at(null)).toBeNull();
    expect(new RecentConsumers(1000).at(1)).toBeNull();
  });

  it('keeps a few minutes, not every sample', () => {
    const r = new RecentConsumers(1000);
    for (let t = 0; t <= 3_600_000; t += 1000) r.record(t, at(t));
    expect(r.at(3_600_000)).toEqual(at(3_600_000));
    expect(r.at(60_000)).toBeNull();
  });
});
