// A synthetic window.vigil for measuring the *renderer alone* (bench/ui.bench.ts):
// 50 backends and an hour of 1 s history cannot come from a real host without
// running for an hour. Injected with page.addInitScript before the page loads,
// so the renderer uses it instead of installing its WebSocket bridge.
// Self-contained on purpose: Playwright serialises the function's source.

export interface SyntheticOptions {
  backends: number;
  /** Seconds of 1 s history available at load. */
  historySec: number;
  /** A state push (one backend's figures change) every this many ms; 0: none. */
  pushMs: number;
  /** Each push a fresh copy of the whole state (what a snapshot push handed the store), not the changed backend alone. */
  freshObjects?: boolean;
  /** How long the backends have been up, s (default an hour: uptimes show minutes; under an hour each card's clock shows seconds). */
  uptimeSec?: number;
}

export function installSyntheticVigil(opts: SyntheticOptions): void {
  type Listener<T> = (v: T) => void;
  const g = globalThis as unknown as { vigil?: unknown };
  const stateListeners = new Set<Listener<unknown>>();
  const ids = Array.from({ length: opts.backends }, (_, i) => `b${String(i).padStart(2, '0')}`);
  const GiB = 1024 ** 3;
  const start = Math.floor(Date.now() / 1000) - opts.historySec;
  const rssAt = (i: number, t: number): number => (0.5 + (i % 7) * 0.1) * GiB + Math.sin(t / 60 + i) * 64 * 1024 * 1024;
  let tick = 0;

  const backend = (id: string, i: number) => ({
    id, name: id, status: 'ready', reason: 'health 200', since: Date.now(), pid: 10000 + i, pgid: 10000 + i, procState: 'sleeping',
    startedAt: Date.now() - (opts.uptimeSec ?? 3600) * 1000, port: 20000 + i, adopted: false, restarts: 0, lastExit: null, awaitingReap: false,
    healthLatencyMs: 2 + (i % 5), nextRestartAt: null,
    memory: { rss: rssAt(i, start), anon: rssAt(i, start), file: 0, shmem: 0, swap: 0, pss: null, processes: 1 },
    memoryLimit: null, cgroup: null, command: ['llama-server', '--port', String(20000 + i)], restartPolicy: 'always', fit: null, llama: null, oomScoreAdj: null, shed: null,
  });
  const state = {
    hostname: 'synthetic', time: Date.now(), backends: ids.map(backend), events: [], ooms: [],
    memory: { system: { time: Date.now(), memTotal: 64 * GiB, memAvailable: 20 * GiB, swapTotal: 8 * GiB, swapFree: 8 * GiB, psi: { someAvg10: 0.5, someAvg60: 0.2, fullAvg10: 0.1, fullAvg60: 0 } }, gpus: [] },
    kernelLog: { active: 'kmsg', detail: 'synthetic', hint: null },
    config: { path: '/dev/null', loadedAt: Date.now(), errors: [], ignored: [], format: 'vigil', created: false },
    alerts: [],
    uid: 1000,
    watched: [],
  };

  const history = (since: number | undefined) => {
    const now = Math.floor(Date.now() / 1000);
    const from = since === undefined ? start : since + 1;
    const t: number[] = [];
    for (let s = from; s <= now; s++) t.push(s);
    const series: Record<string, number[]> = {
      'mem.used': t.map((s) => 44 * GiB + Math.sin(s / 90) * GiB),
      'mem.available': t.map((s) => 20 * GiB - Math.sin(s / 90) * GiB),
      'swap.used': t.map(() => 0),
      'psi.some.avg10': t.map((s) => Math.abs(Math.sin(s / 30))),
      'psi.full.avg10': t.map((s) => Math.abs(Math.sin(s / 45)) / 3),
    };
    ids.forEach((id, i) => (series[`backend.${id}.rss`] = t.map((s) => rssAt(i, s))));
    return { resolution: 1, t, series };
  };

  if (opts.pushMs > 0) setInterval(() => {
    tick++;
    const i = tick % ids.length;
    const b = state.backends[i]!;
    // As window.vigil hands it on after a delta: a new object for the changed backend, the other 49 as they were.
    state.backends = [...state.backends];
    state.backends[i] = { ...b, healthLatencyMs: 2 + (tick % 9), memory: { ...b.memory, rss: rssAt(i, Date.now() / 1000) } };
    state.time = Date.now();
    const snap = opts.freshObjects ? (JSON.parse(JSON.stringify(state)) as unknown) : { ...state };
    stateListeners.forEach((cb) => cb(snap));
  }, opts.pushMs);

  const ok = async () => ({ ok: true, message: 'synthetic' });
  g.vigil = {
    getState: async () => ({ ...state }),
    start: ok, stop: ok, restart: ok, reap: ok,
    getLogs: async (req: { id: string }) => ({ id: req.id, lines: [], path: null }),
    getEvents: async () => [],
    getHistory: async (req: { since?: number }) => history(req.since),
    predictFit: async () => ({ verdict: 'unknown', why: 'synthetic' }),
    addBackend: ok, openConfig: ok, stopWatched: ok, restartWatchedUnit: ok, adoptWatched: ok,
    onState: (cb: Listener<unknown>) => (stateListeners.add(cb), () => stateListeners.delete(cb)),
    onLog: () => () => undefined,
    onFocus: () => () => undefined,
    onConnection: (cb: Listener<string>) => (cb('connected'), () => undefined),
  };
}

/**
 * The init-script source. tsx/esbuild wrap named arrows in `__name(…)`, which
 * does not exist in the page, so define it before the serialised function.
 */
export function syntheticVigilScript(opts: SyntheticOptions): string {
  return `var __name = (f) => f;\n(${installSyntheticVigil.toString()})(${JSON.stringify(opts)});`;
}
