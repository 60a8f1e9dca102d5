// The core's composition root. createVigil takes the state directory (one
// Vigil per directory), loads the config once, and wires:
//   fleet   — the supervisors, config changes applied to them, adoption, quit;
//             every supervisor gets the llama-server seams (feeds/llama/)
//   feeds   — memory sampler, alerts, kernel-log OOM kills and their attribution
//   fit     — a prediction before each start, measured runs, advice after an OOM kill
//   service — the VigilService every host calls
// around one store (what every host shows) and one journal (what happened).
// Hosts get the service and read-only state; only the core writes the store.
import { mkdirSync } from 'node:fs';
import type { CommandResult, VigilService } from '../common/api.js';
import type { VigilConfig } from '../common/config-schema.js';
import { formatConfigIssue } from '../common/format.js';
import type { BackendView, VigilEvent } from '../common/state.js';
import { appendBackend } from './config/append-backend.js';
import { ConfigWatcher, type ConfigChange } from './config/config-watcher.js';
import { stderrLogger, type Logger } from './diagnostics.js';
import { startFeeds, type FeedOptions, type WatchedBackend } from './feeds/index.js';
import { FitFeed } from './feeds/fit/fit-feed.js';
import { guardTarget, startGuard } from './feeds/guard/guard-feed.js';
import { MeasurementStore } from './fit/index.js';
import { cgroupSupport } from './fleet/cgroups.js';
import { backendsOf } from './fleet/config-diff.js';
import { Fleet } from './fleet/fleet.js';
import { acquireInstanceLock, type VigilHost } from './instance-lock.js';
import { llamaSeams } from './feeds/llama/llama-feed.js';
import { EventJournal } from './journal/event-journal.js';
import { BackendLogs } from './logs/backend-logs.js';
import { PidHistory } from './oom/pid-history.js';
import { resolveConfigPath, resolveStateDir } from './paths.js';
import { createService } from './service.js';
import type { OwnedProcesses } from './watch/index.js';
import { createVigilStore, initialState } from './store.js';
import type { BackendSupervisor } from './supervisor/backend-supervisor.js';
import { RunningRegistry } from './supervisor/running-registry.js';
import type { EventDraft } from './events.js';

export { describeHolder, InstanceLockedError, lockedBy, type LockHolder, type VigilHost } from './instance-lock.js';

export interface CreateVigilOptions extends FeedOptions {
  configPath?: string;
  stateDir?: string;
  /** Diagnostics for whoever runs Vigil (default: stderr). What the user must see is an event. */
  logger?: Logger;
  /** What "open config" does in this host (default: answer with the file's path). */
  openConfig?: (configPath: string) => Promise<CommandResult>;
  /** The host running this core, recorded in the state directory's lock for a second instance to name. */
  host?: VigilHost;
}

export interface VigilCore extends VigilService {
  readonly configPath: string;
  readonly stateDir: string;
  /** Re-read the config file now and apply it (edits are picked up by themselves too). */
  reloadConfig(): Promise<void>;
  /** Where this instance's dashboard is, so a second Vigil on the same state directory can name it. */
  setDashboardUrl(url: string | null): void;
}

function configEvent(c: ConfigChange): EventDraft {
  if (!c.result.ok) return { kind: 'config', reason: `config rejected: ${c.result.issues.map(formatConfigIssue).join('; ')}`, details: { errors: c.result.issues } };
  const n = Object.keys(c.result.config.backends).length;
  return { kind: 'config', reason: `config loaded: ${n} backend(s)${c.result.created ? ' (created from the example)' : ''}` };
}

/** What Vigil owns, which watch mode never lists: its backends (each leads its session) and any child of its own. */
const ownedProcesses = (backends: readonly BackendView[]): OwnedProcesses => ({
  pids: backends.flatMap((b) => (b.pid === null ? [] : [b.pid])),
  pgids: backends.flatMap((b) => (b.pgid === null ? [] : [b.pgid])),
  parent: process.pid,
});

const watched = (s: BackendSupervisor): WatchedBackend => {
  const pid = s.livePid;
  return {
    id: s.id,
    pid,
    memory: s.memory,
    memoryLimit: s.config.memoryLimit,
    cgroupUsage: () => s.cgroupUsage(),
    // A sample that finishes after its process exited (or was replaced) belongs to no process now: dropped.
    setMemory: (m) => {
      if (s.livePid === pid) s.setMemory(m);
    },
    markOomKilled: (k) => s.markOomKilled(k),
  };
};

export async function createVigil(opts: CreateVigilOptions = {}): Promise<VigilCore> {
  const logger = opts.logger ?? stderrLogger;
  const configPath = opts.configPath ?? resolveConfigPath();
  const stateDir = opts.stateDir ?? resolveStateDir();
  mkdirSync(stateDir, { recursive: true });
  const lock = await acquireInstanceLock(stateDir, logger, opts.host ?? null);
  let closed = false;
  let shutdownProgress: ((msg: string) => void) | undefined;
  // Undone in reverse if start-up fails, and at shutdown.
  const closers: (() => void | Promise<void>)[] = [() => lock.release()];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) await close();
  };

  try {
    const store = createVigilStore(initialState(configPath));
    // The journal's own events (it cannot write, it writes again) reach the state like any other.
    const journal = EventJournal.open(stateDir, { logger, onEvent: (ev) => store.pushEvent(ev) });
    closers.push(() => journal.close());
    const emit = (d: EventDraft): VigilEvent => {
      const ev = journal.append({ time: Date.now(), backend: null, from: null, to: null, pid: null, exit: null, oom: null, ...d });
      store.pushEvent(ev);
      return ev;
    };

    // Every leader the state shows goes into the pid history at once (OOM attribution reads it).
    const pidHistory = PidHistory.open(stateDir, logger);
    closers.push(() => pidHistory.close());
    pidHistory.observeLeaders(store.get().backends);
    closers.push(store.subscribe((s) => pidHistory.observeLeaders(s.backends)));

    const logs = new BackendLogs(stateDir);
    closers.push(() => logs.closeAll());
    const registry = new RunningRegistry(stateDir, (msg) => emit({ kind: 'system', reason: msg }));

    // Stopped after the fleet (closers run in reverse), so runs ended by the quit are recorded.
    const measurements = await MeasurementStore.open(stateDir);
    if (measurements.warning) emit({ kind: 'system', reason: `fit: ${measurements.warning}` });
    const fit = new FitFeed({
      setOomAdvice: (id, pid, advice) => store.setOomAdvice(id, pid, advice),
      gpus: () => store.get().memory.gpus,
      sampledAt: () => store.get().memory.system?.time ?? 0,
      emit,
      measurements: measurements.store,
      logPath: (id) => logs.get(id).path,
      logger,
      ...(opts.procRoot ? { procRoot: opts.procRoot } : {}),
      // Two sampler ticks: a ready process is sampled at least once before it is recorded.
      settleMs: () => 2 * (config.config?.sampling.intervalMs ?? 1000),
    });
    closers.push(() => fit.stop());
    // Every supervisor gets llama-server's seams (its log, API and death reasons) and the fit feed's.
    const llama = llamaSeams({ log: (id) => logs.get(id) });
    const fleet = new Fleet({
      store,
      emit,
      registry,
      logs,
      cgroups: cgroupSupport(stateDir, opts.procRoot),
      log: logger,
      supervisor: { tickWork: [llama.tickWork], explainers: [llama.explainer], preStart: [fit.check], observers: [fit.observer] },
    });

    // The config: loaded once here, then on each edit. Changes are applied one after another.
    const config = new ConfigWatcher(configPath, { logger });
    const announce = (c: ConfigChange): void => {
      store.setConfig(c.status);
      emit(configEvent(c));
    };
    const first = await config.start();
    closers.push(() => config.stop());
    announce(first);
    let applied: VigilConfig | null = first.config;
    let applying = (async () => {
      await fleet.apply(backendsOf(applied), true);
      await fleet.adopt();
      await fleet.autostart();
    })();
    config.onChange((c) => {
      announce(c);
      applying = applying
        .then(async () => {
          if (closed || config.config === applied) return;
          applied = config.config;
          await fleet.apply(backendsOf(applied), false);
        })
        .catch((e: unknown) => logger.error('applying the config failed', e));
    });
    closers.push(async () => {
      await applying.catch(() => undefined);
      await fleet.shutdown(shutdownProgress);
    });
    await applying;

    const feeds = await startFeeds({
      options: opts,
      stateDir,
      store,
      emit,
      backends: () => fleet.list().map(watched),
      backend: (id) => {
        const s = fleet.get(id);
        return s && watched(s);
      },
      config: () => config.config,
      pidHistory,
      logger,
      owned: () => ownedProcesses(store.get().backends),
      addBackend: (id, cfg) => addBackend(id, cfg),
    });
    closers.push(() => feeds.stop());
    const guard = startGuard({
      config: () => config.config?.guard,
      backends: () => fleet.list().map(guardTarget),
      watched: () => store.get().watched,
      adviceNow: (id) => {
        const s = fleet.get(id);
        return s ? fit.adviceNow(s.config, s.snapshot().command) : Promise.resolve(null);
      },
      emit,
      pushShed: (r) => store.pushOom(r),
      setAlert: (a) => store.setAlerts(a ? [a] : [], 'guard'),
      logger,
    });
    closers.push(() => guard.stop());
    const reloadConfig = async (): Promise<void> => {
      if (closed) return;
      await config.reload();
      await applying;
    };
    const addBackend = async (id: string, cfg: Record<string, unknown>): Promise<CommandResult> => {
      const r = appendBackend(configPath, id, cfg);
      if (r.ok) await reloadConfig();
      return r;
    };
    const service = createService({
      state: { get: () => store.get(), subscribe: (cb) => store.subscribe(cb) },
      backend: (id) => fleet.get(id),
      journal,
      logs,
      history: (req) => feeds.history(req),
      addBackend,
      watched: feeds.watch,
      openConfig: () => (opts.openConfig ? opts.openConfig(configPath) : Promise.resolve({ ok: true, message: configPath })),
      predictFit: (req) => fit.predictCommand(req),
      shutdown: async (onProgress) => {
        if (closed) return;
        closed = true;
        shutdownProgress = onProgress;
        config.stop(); // no edit is applied while the backends stop
        await closeAll();
      },
    });
    return { ...service, configPath, stateDir, reloadConfig, setDashboardUrl: (url) => lock.setDashboardUrl(url) };
  } catch (e) {
    await closeAll();
    throw e;
  }
}
