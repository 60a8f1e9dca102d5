// The one authoritative state store (zustand vanilla). Mutators are small and
// typed; every mutation stamps `time` so subscribers get a fresh snapshot
// object (hosts diff by reference). A mutation that changes nothing notifies
// nobody, and batch() folds many mutations (one sampler tick over 50
// backends) into one snapshot: each snapshot is a push to every window.
import { hostname } from 'node:os';
import { createStore } from 'zustand/vanilla';
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
import type { WatchedServer } from '../common/watch.js';

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
    uid: process.getuid?.() ?? -1,
    watched: [],
  };
}

export interface VigilStore {
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
  /** Adds the fit advice to the newest kill of `pid` in `backend` (nothing when there is none). */
  setOomAdvice(backend: string, pid: number, advice: string): void;
  setConfig(patch: Partial<ConfigStatus>): void;
  setSystemMemory(system: SystemMemory | null, gpus?: GpuMemory[]): void;
  setKernelLog(status: KernelLogStatus): void;
  /** The alerts of one source (the memory feed's or the pressure guard's), replaced whole; the state shows both. */
  setAlerts(alerts: MemoryAlert[], from?: AlertSource): void;
  /** The watched servers, replaced whole (the watch feed publishes only when they changed). */
  setWatched(watched: WatchedServer[]): void;
  /** Run fn; subscribers see one snapshot with all of its mutations (nested batches join the outer one). */
  batch(fn: () => void): void;
}

/** A cgroup-counter record and a kernel-log record of one kill are read at most this far apart. */
const SAME_KILL_WINDOW_MS = 60_000;

const capped = <T>(arr: T[], item: T, cap: number): T[] => {
  const next = arr.length >= cap ? arr.slice(arr.length - cap + 1) : arr.slice();
  next.push(item);
  return next;
};

/**
 * Insert a kill by the kernel's time of the kill, not by arrival: a kill read
 * from the backlog (a source opened late, a journal catching up) belongs
 * before the ones already shown. A kill without a time stays where it
 * arrived. At the cap the oldest goes.
 */
function inTimeOrder(ooms: readonly OomKill[], kill: OomKill, cap: number): OomKill[] {
  let at = ooms.length;
  if (kill.time !== null) while (at > 0 && ooms[at - 1]!.time !== null && ooms[at - 1]!.time! > kill.time) at--;
  const next = ooms.slice(0, at);
  next.push(kill, ...ooms.slice(at));
  return next.length > cap ? next.slice(next.length - cap) : next;
}

/** Equal for the store's purposes: the same value, or flat objects with the same fields (memory figures). */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) || Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Who raises an alert: each source replaces only its own. */
export type AlertSource = 'memory' | 'guard';

export function createVigilStore(init: VigilState = initialState()): VigilStore {
  const api = createStore<VigilState>()(() => init);
  let draft: VigilState | null = null;
  let depth = 0;
  const alertsBy: Record<AlertSource, MemoryAlert[]> = { memory: [], guard: [] };
  // The draft's backends array once copied in this batch: later patches in the
  // batch write into it instead of copying 50 views again (a sampler tick patches each).
  let ownBackends: BackendView[] | null = null;
  const current = (): VigilState => draft ?? api.getState();
  const set = (f: (s: VigilState) => Partial<VigilState>): void => {
    const s = current();
    const patch = f(s);
    if (Object.keys(patch).length === 0) return; // nothing changed: no snapshot
    const next = { ...s, ...patch, time: Date.now() };
    if (depth > 0) draft = next;
    else api.setState(next, true);
  };
  return {
    get: current,
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
        const cur = s.backends[i]!;
        if ((Object.keys(patch) as (keyof BackendView)[]).every((k) => same(cur[k], patch[k]))) return {};
        const backends = depth > 0 && s.backends === ownBackends ? ownBackends : s.backends.slice();
        backends[i] = { ...cur, ...patch };
        if (depth > 0) ownBackends = backends;
        return { backends };
      }),
    removeBackend: (id) => set((s) => ({ backends: s.backends.filter((b) => b.id !== id) })),
    getBackend: (id) => current().backends.find((b) => b.id === id),
    pushEvent: (ev) => set((s) => ({ events: capped(s.events, ev, EVENT_CAP) })),
    pushOom: (kill) =>
      set((s) => {
        // The same kill may arrive from the kernel log and the cgroup counter:
        // keep one, preferring the kernel's figures over the counter's bare fact.
        // Same victim and close in time: a recycled pid killed again later is a new kill.
        const samePid = (o: OomKill): boolean =>
          o.pid === kill.pid && o.backend === kill.backend && (o.time == null || kill.time == null || Math.abs(o.time - kill.time) <= SAME_KILL_WINDOW_MS);
        // (The counter may also be read twice for one kill: at exit and by its poller.)
        if (kill.source === 'cgroup' && s.ooms.some(samePid)) return {};
        const i = s.ooms.findIndex((o) => o.id === kill.id || (kill.source !== 'cgroup' && o.source === 'cgroup' && samePid(o)));
        if (i < 0) return { ooms: inTimeOrder(s.ooms, kill, OOM_CAP) };
        const rest = s.ooms.slice();
        const [was] = rest.splice(i, 1);
        return { ooms: inTimeOrder(rest, { ...was!, ...kill }, OOM_CAP) };
      }),
    setOomAdvice: (backend, pid, advice) =>
      set((s) => {
        const i = s.ooms.findLastIndex((o) => o.backend === backend && o.pid === pid);
        if (i < 0 || s.ooms[i]!.advice === advice) return {};
        const ooms = s.ooms.slice();
        ooms[i] = { ...ooms[i]!, advice };
        return { ooms };
      }),
    setConfig: (patch) => set((s) => ({ config: { ...s.config, ...patch } })),
    setSystemMemory: (system, gpus) => set((s) => ({ memory: { system, gpus: gpus ?? s.memory.gpus } })),
    setKernelLog: (kernelLog) => set(() => ({ kernelLog })),
    setWatched: (watched) => set(() => ({ watched })),
    setAlerts: (mine, from = 'memory') => {
      alertsBy[from] = mine;
      const alerts = [...alertsBy.memory, ...alertsBy.guard];
      set((s) => (s.alerts.length === alerts.length && s.alerts.every((a, i) => same(a, alerts[i])) ? {} : { alerts }));
    },
    batch: (fn) => {
      depth++;
      try {
        fn();
      } finally {
        if (--depth === 0) {
          ownBackends = null;
          const d = draft;
          draft = null;
          if (d) api.setState(d, true);
        }
      }
    },
  };
}
