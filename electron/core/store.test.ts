import { describe, expect, it } from 'vitest';
import { EVENT_CAP, type OomKill, type VigilEvent } from '../common/state.js';
import { createVigilStore } from './store.js';

const ev = (seq: number): VigilEvent => ({ seq, time: seq, kind: 'system', backend: null, from: null, to: null, reason: `e${seq}`, pid: null, exit: null, oom: null });

describe('VigilStore', () => {
  it('caps events at EVENT_CAP keeping the newest, and notifies with fresh snapshots', () => {
    const s = createVigilStore();
    const seen: number[] = [];
    const off = s.subscribe((st) => seen.push(st.events.length));
    const before = s.get();
    for (let i = 1; i <= EVENT_CAP + 5; i++) s.pushEvent(ev(i));
    off();
    expect(s.get().events).toHaveLength(EVENT_CAP);
    expect(s.get().events[0]!.seq).toBe(6);
    expect(s.get().events.at(-1)!.seq).toBe(EVENT_CAP + 5);
    expect(seen).toHaveLength(EVENT_CAP + 5);
    expect(s.get()).not.toBe(before);
  });

  it('dedupes OOM kills by id and ignores patches for unknown backends', () => {
    const s = createVigilStore();
    const k = { id: 'b:1', pid: 5, comm: 'x', backend: null } as unknown as OomKill;
    s.pushOom(k);
    s.pushOom({ ...k, backend: 'llama' });
    expect(s.get().ooms).toEqual([{ ...k, backend: 'llama' }]);
    s.setBackend('nope', { status: 'ready' });
    expect(s.get().backends).toEqual([]);
  });

  it('keeps one record of a kill seen by both the cgroup counter and the kernel log, preferring the kernel figures', () => {
    const cg = { id: 'cgroup:/x:1', pid: 7, comm: 'hog', backend: 'hog', source: 'cgroup', anonRssKb: null } as unknown as OomKill;
    const kern = { id: 'boot:42', pid: 7, comm: 'hog', backend: 'hog', source: 'kmsg', anonRssKb: 65000 } as unknown as OomKill;
    const s1 = createVigilStore();
    s1.pushOom(cg);
    s1.pushOom(kern);
    expect(s1.get().ooms).toEqual([kern]);
    const s2 = createVigilStore();
    s2.pushOom(kern);
    s2.pushOom(cg);
    expect(s2.get().ooms).toEqual([kern]);
  });
});
