// The one authoritative state store (zustand vanilla). Mutators are small and
// typed; every mutation stamps `time` so subscribers get a fresh snapshot
// object (hosts diff by reference).
import { hostname } from 'node:os';
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  EVENT_CAP,
  OOM_CAP,
  type BackendView,
  type ConfigStatus,
  type GpuMemory,
  type KernelLogStatus,
  type MemoryAlert,
  type OomKill,
  type SystemMemory,
  type VigilEvent,
  type VigilState,
} from '../common/state.js';

export function initialState(configPath = ''): VigilState {
  return {
    hostname: hostname(),
    time: Date.now(),
    backends: [],
    events: [],
    ooms: [],
    memory: { system: null, gpus: [] },
    kernelLog: { active: 'none', detail: 'not started', hint: null },
    config: { path: configPath, loadedAt: null, errors: [], ignored: [], format: null, created: false },
    alerts: [],
  };
}

export interface VigilStore {
  api: StoreApi<VigilState>;
  get(): VigilState;
  subscribe(cb: (s: VigilState) => void): () => void;
  /** Insert or replace a backend view (keeps order of first insertion). */
  upsertBackend(view: BackendView): void;
  /** Patch one backend; unknown ids are ignored (it may have just been removed). */
  setBackend(id: string, patch: Partial<BackendView>): void;
  removeBackend(id: string): void;
  getBackend(id: string): BackendView | undefined;
  pushEvent(ev: VigilEvent): void;
  pushOom(kill: OomKill): void;
  setConfig(patch: Partial<ConfigStatus>): void;
  setSystemMemory(system: SystemMemory | null, gpus?: GpuMemory[]): void;
  setKernelLog(status: KernelLogStatus): void;
  setAlerts(alerts: MemoryAlert[]): void;
}

const capped = <T>(arr: T[], item: T, cap: number): T[] => {
  const next = arr.length >= cap ? arr.slice(arr.length - cap + 1) : arr.slice();
  next.push(item);
  return next;
};

export function createVigilStore(init: VigilState = initialState()): VigilStore {
  const api = createStore<VigilState>()(() => init);
  const set = (f: (s: VigilState) => Partial<VigilState>): void => api.setState((s) => ({ ...f(s), time: Date.now() }));
  return {
    api,
    get: () => api.getState(),
    subscribe: (cb) => api.subscribe((s) => cb(s)),
    upsertBackend: (view) =>
      set((s) => {
        const i = s.backends.findIndex((b) => b.id === view.id);
        if (i < 0) return { backends: [...s.backends, view] };
        const backends = s.backends.slice();
        backends[i] = view;
        return { backends };
      }),
    setBackend: (id, patch) =>
      set((s) => {
        const i = s.backends.findIndex((b) => b.id === id);
        if (i < 0) return {};
        const backends = s.backends.slice();
        backends[i] = { ...backends[i]!, ...patch };
        return { backends };
      }),
    removeBackend: (id) => set((s) => ({ backends: s.backends.filter((b) => b.id !== id) })),
    getBackend: (id) => api.getState().backends.find((b) => b.id === id),
    pushEvent: (ev) => set((s) => ({ events: capped(s.events, ev, EVENT_CAP) })),
    pushOom: (kill) =>
      set((s) => {
        // The same kill may arrive from the kernel log and the cgroup counter:
        // keep one, preferring the kernel's figures over the counter's bare fact.
        const samePid = (o: OomKill): boolean => o.pid === kill.pid && o.backend === kill.backend;
        // (The counter may also be read twice for one kill: at exit and by its poller.)
        if (kill.source === 'cgroup' && s.ooms.some(samePid)) return {};
        const i = s.ooms.findIndex((o) => o.id === kill.id || (kill.source !== 'cgroup' && o.source === 'cgroup' && samePid(o)));
        if (i >= 0) {
          const ooms = s.ooms.slice();
          ooms[i] = { ...ooms[i]!, ...kill };
          return { ooms };
        }
        return { ooms: capped(s.ooms, kill, OOM_CAP) };
      }),
    setConfig: (patch) => set((s) => ({ config: { ...s.config, ...patch } })),
    setSystemMemory: (system, gpus) => set((s) => ({ memory: { system, gpus: gpus ?? s.memory.gpus } })),
    setKernelLog: (kernelLog) => set(() => ({ kernelLog })),
    setAlerts: (alerts) => set(() => ({ alerts })),
  };
}
