// A small in-memory VigilService for transport tests only (the serve e2e
// test runs the real core): records calls, lets the test push state and logs.
import type { CommandResult, LogChunk, Unsubscribe, VigilService } from '../electron/common/api.js';
import type { BackendView, VigilState } from '../electron/common/state.js';

export function backend(id: string, over: Partial<BackendView> = {}): BackendView {
  return {
    id, name: id, status: 'ready', reason: '', since: 0, pid: 1234, pgid: 1234, procState: 'sleeping', startedAt: 0, port: 8080,
    adopted: false, restarts: 2, lastExit: null, awaitingReap: false, healthLatencyMs: 12, nextRestartAt: null,
    memory: { rss: 5_000_000, anon: 4_000_000, file: 1_000_000, shmem: 0, swap: 0, pss: null, processes: 1 },
    memoryLimit: null, cgroup: null, command: ['llama-server'], restartPolicy: 'always', fit: null, llama: null, oomScoreAdj: null, shed: null, ...over,
  };
}

export function baseState(backends: BackendView[]): VigilState {
  return {
    hostname: 'test', time: 1, backends, events: [], ooms: [],
    memory: {
      system: { time: 1, memTotal: 24e9, memAvailable: 20e9, swapTotal: 0, swapFree: 0, psi: { someAvg10: 0.5, someAvg60: 0, fullAvg10: 0.25, fullAvg60: 0 } },
      gpus: [{ id: 'card0', vendor: 'amd', name: 'gfx', vramUsed: 1e9, vramTotal: 8e9, gttUsed: 2e9, gttTotal: 12e9 }],
    },
    kernelLog: { active: 'none', detail: '', hint: null },
    config: { path: '/x', loadedAt: 1, errors: [], ignored: [], format: 'vigil', created: false },
    alerts: [],
    uid: 1000,
    watched: [],
  };
}

export interface FakeService extends VigilService {
  calls: { method: string; req: unknown }[];
  setState(s: VigilState): void;
  pushLog(chunk: LogChunk): void;
  stateSubscribers(): number;
}

export function fakeService(initial: VigilState): FakeService {
  let state = initial;
  const subs = new Set<(s: VigilState) => void>();
  const logSubs = new Map<string, Set<(c: LogChunk) => void>>();
  const calls: { method: string; req: unknown }[] = [];
  const cmd = (method: string) => async (req: { id: string }): Promise<CommandResult> => {
    calls.push({ method, req });
    return { ok: true, message: `${method} ${req.id}` };
  };
  return {
    calls,
    getState: () => state,
    setState(s) {
      state = s;
      for (const cb of subs) cb(s);
    },
    pushLog(chunk) {
      for (const cb of logSubs.get(chunk.id) ?? []) cb(chunk);
    },
    stateSubscribers: () => subs.size,
    start: cmd('start'), stop: cmd('stop'), restart: cmd('restart'), reap: cmd('reap'),
    stopWatched: cmd('stopWatched'), restartWatchedUnit: cmd('restartWatchedUnit'), adoptWatched: cmd('adoptWatched'),
    async getLogs(req) {
      calls.push({ method: 'getLogs', req });
      return { id: req.id, lines: [{ time: 1, stream: 'stdout', text: 'hello' }], path: null };
    },
    async getEvents(req) {
      calls.push({ method: 'getEvents', req });
      return [];
    },
    async getHistory(req) {
      calls.push({ method: 'getHistory', req });
      return { resolution: 1, t: [1], series: { 'mem.available': [1] } };
    },
    async addBackend(req) {
      calls.push({ method: 'addBackend', req });
      return { ok: true, message: 'added' };
    },
    async openConfig() {
      return { ok: false, message: 'no desktop here' };
    },
    async predictFit(req) {
      calls.push({ method: 'predictFit', req });
      return { verdict: 'unknown', why: 'fake service' };
    },
    subscribe(cb): Unsubscribe {
      subs.add(cb);
      return () => subs.delete(cb);
    },
    subscribeLogs(id, cb): Unsubscribe {
      const set = logSubs.get(id) ?? new Set();
      set.add(cb);
      logSubs.set(id, set);
      return () => set.delete(cb);
    },
    async shutdown() {},
  };
}
