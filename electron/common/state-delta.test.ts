import { describe, expect, it } from 'vitest';
import type { BackendView, VigilEvent, VigilState } from './state.js';
import { applyDelta, DeltaError, diffState, sameJson } from './state-delta.js';

// The web project (renderer and electron/common) does not reach test-support: the state is built here.
function backend(id: string): BackendView {
  return {
    id, name: id, status: 'ready', reason: '', since: 0, pid: 1234, pgid: 1234, procState: 'sleeping', startedAt: 0, port: 8080,
    adopted: false, restarts: 2, lastExit: null, awaitingReap: false, healthLatencyMs: 12, nextRestartAt: null,
    memory: { rss: 5_000_000, anon: 4_000_000, file: 1_000_000, shmem: 0, swap: 0, pss: null, processes: 1 },
    memoryLimit: null, cgroup: null, command: ['llama-server'], restartPolicy: 'always', fit: null, llama: null, oomScoreAdj: null, shed: null,
  };
}

function baseState(backends: BackendView[]): VigilState {
  return {
    hostname: 'test', time: 1, backends, events: [], ooms: [],
    memory: { system: { time: 1, memTotal: 24e9, memAvailable: 20e9, swapTotal: 0, swapFree: 0, psi: null }, gpus: [] },
    kernelLog: { active: 'none', detail: '', hint: null },
    config: { path: '/x', loadedAt: 1, errors: [], ignored: [], format: 'vigil', created: false },
    alerts: [], uid: 1000, watched: [],
  };
}

const event = (seq: number, backendId = 'b0'): VigilEvent => ({ seq, time: seq, kind: 'transition', backend: backendId, from: null, to: 'ready', reason: `e${seq}`, pid: null, exit: null, oom: null });
const fifty = (): VigilState => baseState(Array.from({ length: 50 }, (_, i) => backend(`b${i}`)));

/** Applying the delta gives the next state, equal as JSON (what a fresh snapshot would show). */
function roundTrip(prev: VigilState, next: VigilState): VigilState {
  const d = diffState(prev, next);
  const out = d ? applyDelta(prev, JSON.parse(JSON.stringify(d)) as typeof d) : prev;
  expect(JSON.parse(JSON.stringify(out))).toEqual(JSON.parse(JSON.stringify({ ...next, time: d ? next.time : prev.time })));
  return out;
}

describe('diffState / applyDelta', () => {
  it('carries one backend change as its changed fields, and keeps every other object as it was', () => {
    const prev = fifty();
    const backends = prev.backends.slice();
    backends[3] = { ...backends[3]!, status: 'exited', pid: null, lastExit: { time: 5, pid: 1234, code: 1, signal: null, signalName: null, coreDumped: false, reaped: true, oomKilled: false, oom: null, reason: 'exited with code 1' } };
    const next = { ...prev, backends, time: 2 };
    const d = diffState(prev, next)!;
    expect(d.set).toEqual({ time: 2 });
    expect(d.lists?.backends?.change).toHaveLength(1);
    expect(d.lists?.backends?.change?.[0]).toMatchObject({ key: 'b3', set: { status: 'exited', pid: null } });
    expect(d.lists?.backends?.order).toBeUndefined();
    const out = roundTrip(prev, next);
    expect(out.backends[3]).not.toBe(prev.backends[3]);
    out.backends.forEach((b, i) => i !== 3 && expect(b).toBe(prev.backends[i]));
    expect(out.memory).toBe(prev.memory);
    expect(JSON.stringify(d).length).toBeLessThan(JSON.stringify(next).length / 20);
  });

  it('is nothing when only the snapshot time moved, or a list was rebuilt with equal content', () => {
    const prev = fifty();
    expect(diffState(prev, { ...prev, time: 9 })).toBeNull();
    expect(diffState(prev, { ...prev, time: 9, backends: prev.backends.map((b) => ({ ...b, memory: b.memory && { ...b.memory } })) })).toBeNull();
  });

  it('appends events at the cap as "drop the oldest, add the new", never the whole list', () => {
    const prev = { ...baseState([]), events: Array.from({ length: 300 }, (_, i) => event(i + 1)) };
    const next = { ...prev, events: [...prev.events.slice(2), event(301), event(302)] };
    const d = diffState(prev, next)!;
    expect(d.lists?.events).toEqual({ remove: [1, 2], add: [event(301), event(302)] });
    const out = roundTrip(prev, next);
    expect(out.events[0]).toBe(prev.events[2]);
  });

  it('sends the order only when it is not implied: an OOM kill inserted by time, a backend removed and re-added', () => {
    const kill = (id: string, time: number) => ({ id, time, pid: 1, comm: 'x', backend: null, source: 'kmsg' }) as unknown as VigilState['ooms'][number];
    const prev = { ...baseState([backend('a'), backend('b'), backend('c')]), ooms: [kill('k1', 1), kill('k3', 3)] };
    const next = { ...prev, ooms: [kill('k1', 1), kill('k2', 2), kill('k3', 3)], backends: [prev.backends[0]!, prev.backends[2]!, backend('d')] };
    const d = diffState(prev, next)!;
    expect(d.lists?.ooms?.order).toEqual(['k1', 'k2', 'k3']);
    expect(d.lists?.backends).toEqual({ remove: ['b'], add: [backend('d')] });
    roundTrip(prev, next);
    const reordered = { ...prev, backends: [prev.backends[2]!, prev.backends[0]!, prev.backends[1]!] };
    expect(diffState(prev, reordered)!.lists?.backends).toEqual({ order: ['c', 'a', 'b'] });
    roundTrip(prev, reordered);
  });

  it('names a field an item lost, and replaces top-level fields whole', () => {
    const prev = { ...baseState([]), watched: [{ id: 'w-1-1', extra: 1 } as unknown as VigilState['watched'][number]] };
    const next = { ...prev, watched: [{ id: 'w-1-1' } as unknown as VigilState['watched'][number]], kernelLog: { active: 'kmsg' as const, detail: 'reading', hint: null } };
    const d = diffState(prev, next)!;
    expect(d.lists?.watched).toEqual({ change: [{ key: 'w-1-1', unset: ['extra'] }] });
    expect(d.set?.kernelLog).toEqual(next.kernelLog);
    roundTrip(prev, next);
  });

  it('goes whole for a list whose keys are not unique', () => {
    const prev = { ...baseState([]), events: [event(1), event(1)] };
    const next = { ...prev, events: [event(1), event(1), event(2)] };
    expect((diffState(prev, next)!.set as Record<string, unknown>).events).toEqual(next.events);
    roundTrip(prev, next);
  });

  it('refuses a delta that does not fit the state it is applied to', () => {
    const prev = fifty();
    const next = { ...prev, backends: prev.backends.map((b, i) => (i === 0 ? { ...b, restarts: 9 } : b)) };
    const d = diffState(prev, next)!;
    expect(() => applyDelta(baseState([backend('zz')]), d)).toThrow(DeltaError);
    expect(() => applyDelta(baseState([backend('zz')]), { lists: { backends: { order: ['b0'] } } })).toThrow(DeltaError);
  });

  it('sameJson ignores key order and undefined fields, not values', () => {
    expect(sameJson({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1, d: undefined })).toBe(true);
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameJson([], {})).toBe(false);
    expect(sameJson(null, {})).toBe(false);
  });
});
