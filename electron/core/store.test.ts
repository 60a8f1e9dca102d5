import { describe, expect, it } from 'vitest';
import { EVENT_CAP, OOM_CAP, type BackendView, type OomKill, type VigilEvent } from '../common/state.js';
import { createVigilStore } from './store.js';

const MEM = { rss: 1, pss: null, anon: 1, file: 0, shmem: 0, swap: 0, processes: 1 };
const backend = (id: string): BackendView => ({
  id, name: id, status: 'stopped', reason: '', since: 0, pid: null, pgid: null, procState: null, startedAt: null, port: null,
  adopted: false, restarts: 0, lastExit: null, awaitingReap: false, healthLatencyMs: null, nextRestartAt: null,
  memory: null, memoryLimit: null, cgroup: null, command: ['x'], restartPolicy: 'always', fit: null, llama: null, oomScoreAdj: null, shed: null,
});
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

  it('treats a cgroup record of the same backend and pid a minute later as a new kill (recycled pid)', () => {
    const cg = { id: 'cgroup:/x:1', pid: 7, comm: 'hog', backend: 'hog', source: 'cgroup', time: 1_000_000 } as unknown as OomKill;
    const s = createVigilStore();
    s.pushOom(cg);
    s.pushOom({ ...cg, id: 'cgroup:/x:1b', time: 1_000_500 }); // the same kill read twice
    s.pushOom({ ...cg, id: 'cgroup:/x:2', time: 1_000_000 + 61_000 });
    expect(s.get().ooms.map((o) => o.id)).toEqual(['cgroup:/x:1', 'cgroup:/x:2']);
  });

  it('keeps OOM kills in the kernel time order: a kill read late from the backlog lands before later ones', () => {
    const k = (id: string, pid: number, time: number | null): OomKill => ({ id, pid, comm: 'x', backend: null, source: 'kmsg', time }) as unknown as OomKill;
    const s = createVigilStore();
    s.pushOom(k('a', 1, 1_000));
    s.pushOom(k('c', 3, 3_000));
    s.pushOom(k('b', 2, 2_000)); // from the journal's backlog, after c was shown
    s.pushOom(k('z', 9, null)); // no time in the log: stays where it arrived
    s.pushOom(k('d', 4, 4_000));
    expect(s.get().ooms.map((o) => o.id)).toEqual(['a', 'b', 'c', 'z', 'd']);
    // A kernel record that replaces the counter's record of the same kill moves to the kernel's time.
    const t = createVigilStore();
    t.pushOom({ ...k('cgroup:/x:1', 7, 5_000), backend: 'hog', source: 'cgroup' });
    t.pushOom(k('e', 8, 4_500));
    t.pushOom({ ...k('boot:9', 7, 4_000), backend: 'hog' });
    expect(t.get().ooms.map((o) => o.id)).toEqual(['boot:9', 'e']);
  });

  it('at the cap, the oldest kill by time goes', () => {
    const s = createVigilStore();
    for (let i = 0; i < OOM_CAP; i++) s.pushOom({ id: `k${i}`, pid: i + 10, backend: null, source: 'kmsg', time: 10_000 + i } as unknown as OomKill);
    s.pushOom({ id: 'old', pid: 1, backend: null, source: 'kmsg', time: 1 } as unknown as OomKill);
    expect(s.get().ooms).toHaveLength(OOM_CAP);
    expect(s.get().ooms[0]!.id).toBe('k0');
    s.pushOom({ id: 'new', pid: 2, backend: null, source: 'kmsg', time: 99_999 } as unknown as OomKill);
    expect(s.get().ooms[0]!.id).toBe('k1');
    expect(s.get().ooms.at(-1)!.id).toBe('new');
  });

  it('notifies nobody for a mutation that changes nothing', () => {
    const s = createVigilStore();
    s.upsertBackend({ ...backend('a'), memory: { ...MEM } });
    let n = 0;
    s.subscribe(() => void n++);
    s.setBackend('a', { status: 'stopped', memory: { ...MEM } });
    s.setBackend('a', { memory: { ...MEM } }); // equal figures, new object
    s.setAlerts([]);
    expect(n).toBe(0);
    s.setBackend('a', { memory: { ...MEM, rss: 2 } });
    expect(n).toBe(1);
  });

  it('batch folds many mutations into one snapshot, visible to get() inside the batch', () => {
    const s = createVigilStore();
    s.upsertBackend(backend('a'));
    s.upsertBackend(backend('b'));
    const seen: string[] = [];
    const published = s.get();
    s.subscribe((st) => seen.push(st.backends.map((b) => b.memory?.rss ?? '-').join(',')));
    s.batch(() => {
      s.setBackend('a', { memory: { ...MEM, rss: 10 } });
      expect(s.getBackend('a')!.memory!.rss).toBe(10);
      s.batch(() => s.setBackend('b', { memory: { ...MEM, rss: 20 } })); // nested: joins the outer
      expect(seen).toEqual([]);
    });
    expect(seen).toEqual(['10,20']);
    // The batch wrote into a copy: the snapshot published before it is untouched.
    expect(published.backends.map((b) => b.memory)).toEqual([null, null]);
    expect(s.get().backends).not.toBe(published.backends);
    s.batch(() => s.setBackend('a', { memory: { ...MEM, rss: 10 } })); // no change: no snapshot
    expect(seen).toHaveLength(1);
  });

  it('a throwing batch still publishes what it changed before the throw', () => {
    const s = createVigilStore();
    s.upsertBackend(backend('a'));
    expect(() =>
      s.batch(() => {
        s.setBackend('a', { status: 'ready' });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(s.get().backends[0]!.status).toBe('ready');
  });
});
