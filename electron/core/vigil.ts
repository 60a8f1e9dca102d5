// The core facade: one object implementing VigilService for every host
// (Electron IPC, WebSocket bridge, REST, CLI). It owns the store, the
// journal, one supervisor per configured backend, adoption of backends a
// previous Vigil left running, config reloads and the OOM/memory feeds.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { AddBackendRequest, CommandResult, EventsRequest, HistoryRequest, IdRequest, LogChunk, LogsRequest, Unsubscribe, VigilService } from '../common/api.js';
import type { BackendConfig, VigilConfig } from '../common/config-schema.js';
import type { ConfigStatus, History, OomKill, VigilEvent, VigilState } from '../common/state.js';
import { createVigilStore, initialState, type VigilStore } from './store.js';
import { adoptRecorded } from './supervisor/adoption.js';
import { BackendSupervisor } from './supervisor/backend-supervisor.js';
import { RunningRegistry } from './supervisor/running-registry.js';
import type { CgroupFactory, EventDraft } from './supervisor/types.js';
import { defaultParts, type ConfigLoad, type CoreParts, type LogLike } from './vigil-parts.js';

export interface CreateVigilOptions {
  configPath?: string;
  stateDir?: string;
  procRoot?: string;
  sysRoot?: string;
  kmsgPath?: string | null;
  journalctl?: string | null;
  nvidiaSmi?: string | null;
  kernelLogSources?: ('kmsg' | 'journal')[];
  log?: (msg: string) => void;
  /** Replace parts (tests); defaults wire the real modules. */
  parts?: Partial<CoreParts>;
}

export interface VigilCore extends VigilService {
  readonly store: VigilStore;
  readonly configPath: string;
  readonly stateDir: string;
  supervisor(id: string): BackendSupervisor | undefined;
  /** Re-read the config file now (the watcher calls this on change). */
  reloadConfig(): Promise<void>;
}

const unknownBackend = (id: string): CommandResult => ({ ok: false, message: `unknown backend '${id}'` });

/** Backend fields whose change needs a restart to take effect. */
function needsRestart(a: BackendConfig, b: BackendConfig): boolean {
  const pick = (c: BackendConfig) => JSON.stringify([c.cmd, c.env, c.cwd, c.port, c.memoryLimit]);
  return pick(a) !== pick(b);
}

export async function createVigil(opts: CreateVigilOptions = {}): Promise<VigilCore> {
  const log = opts.log ?? (() => {});
  const parts: CoreParts = { ...(await defaultParts(opts)), ...opts.parts };
  const configPath = opts.configPath ?? parts.defaultConfigPath();
  const stateDir = opts.stateDir ?? parts.defaultStateDir();
  mkdirSync(stateDir, { recursive: true });

  const store = createVigilStore(initialState(configPath));
  const journal = parts.openJournal(stateDir);
  const emit = (d: EventDraft): VigilEvent => {
    const ev = journal.append({ time: Date.now(), backend: null, from: null, to: null, pid: null, exit: null, oom: null, ...d });
    store.pushEvent(ev);
    return ev;
  };
  const registry = new RunningRegistry(stateDir, (msg) => emit({ kind: 'system', reason: msg }));
  const supervisors = new Map<string, BackendSupervisor>();
  const logs = new Map<string, LogLike>();
  let configs = new Map<string, BackendConfig>();
  let lastConfig: VigilConfig | null = null;
  const treePids = new Map<string, number[]>();
  let closed = false;

  const cgroup: { factory: CgroupFactory | null; why: string } = parts.cgroupSupport(opts);

  const logFor = (id: string): LogLike => {
    let l = logs.get(id);
    if (!l) {
      l = parts.openLog(stateDir, id);
      logs.set(id, l);
    }
    return l;
  };

  const addSupervisor = (cfg: BackendConfig): BackendSupervisor => {
    const l = logFor(cfg.id);
    const sup = new BackendSupervisor(cfg, {
      store,
      emit,
      registry,
      logPath: l.path,
      note: (text) => l.appendVigilLine(text),
      cgroupFactory: cgroup.factory,
      cgroupUnavailable: cgroup.why,
    });
    supervisors.set(cfg.id, sup);
    return sup;
  };

  const removeSupervisor = async (id: string): Promise<void> => {
    const sup = supervisors.get(id);
    if (!sup) return;
    if (sup.process) await sup.stop();
    sup.dispose();
    supervisors.delete(id);
    store.removeBackend(id);
    logs.get(id)?.close?.();
    logs.delete(id);
  };

  /** Load the file; on errors keep the last good config (and say why in state). */
  const load = async (loaded?: ConfigLoad): Promise<Map<string, BackendConfig> | null> => {
    const r = loaded ?? (await parts.loadConfig(configPath));
    const status: Partial<ConfigStatus> = { path: configPath, errors: r.errors, ignored: r.ignored, format: r.format, created: r.created };
    if (r.config) status.loadedAt = Date.now();
    store.setConfig(status);
    if (!r.config) {
      emit({ kind: 'config', reason: `config rejected: ${r.errors.map((e) => `${path.basename(e.file)}:${e.line ?? '?'}${e.field ? ` ${e.field}` : ''}: ${e.message}`).join('; ')}`, details: { errors: r.errors } });
      return null;
    }
    lastConfig = r.config;
    emit({ kind: 'config', reason: `config loaded: ${Object.keys(r.config.backends).length} backend(s)${r.created ? ' (created from the example)' : ''}` });
    return new Map(Object.entries(r.config.backends).map(([id, b]) => [id, { ...b, id }]));
  };

  const apply = async (next: Map<string, BackendConfig>, initial: boolean): Promise<void> => {
    const prev = configs;
    configs = next;
    for (const [id] of prev) if (!next.has(id)) {
      emit({ kind: 'config', backend: id, reason: `backend '${id}' removed from the config: stopping it` });
      await removeSupervisor(id);
    }
    const toStart: BackendSupervisor[] = [];
    for (const [id, cfg] of next) {
      const sup = supervisors.get(id);
      if (!sup) {
        const s = addSupervisor(cfg);
        if (!initial) {
          emit({ kind: 'config', backend: id, reason: `backend '${id}' added` });
          if (cfg.autostart) toStart.push(s);
        }
        continue;
      }
      const old = prev.get(id)!;
      sup.setConfig(cfg);
      if (needsRestart(old, cfg) && sup.process) {
        emit({ kind: 'config', backend: id, reason: `backend '${id}' changed: restarting it` });
        await sup.restart();
      }
    }
    await Promise.all(toStart.map((s) => s.start()));
  };

  // ---- start-up ---------------------------------------------------------------
  const first = await load();
  await apply(first ?? new Map(), true);
  const adoption = await adoptRecorded(registry, supervisors, emit);
  if (adoption.adopted.length) log(`adopted: ${adoption.adopted.join(', ')}`);
  // Autostart whatever was not adopted (an adopted backend is already running: no duplicate).
  await Promise.all([...supervisors.values()].filter((s) => configs.get(s.id)?.autostart && s.status === 'stopped').map((s) => s.start()));

  // Reloads run one after another: the file watcher and an explicit call may overlap.
  let reloading: Promise<void> = Promise.resolve();
  const reloadConfig = (loaded?: ConfigLoad): Promise<void> => {
    reloading = reloading.then(async () => {
      if (closed) return;
      const next = await load(loaded);
      if (next) await apply(next, false);
    });
    return reloading;
  };
  const stopWatch = parts.watchConfig(configPath, (loaded) => void reloadConfig(loaded).catch((e: unknown) => log(`config reload failed: ${(e as Error).message}`)));

  // OOM kills from the kernel log: attribute and tell the backend's supervisor.
  const onKill = (kill: OomKill): void => {
    const attributed = parts.attributeKill(
      kill,
      [...supervisors.values()].map((s) => ({
        id: s.id,
        // The whole tree from the last memory sample (a child may be the victim), plus the leader.
        pids: [...new Set([...(s.process ? [s.process.pid] : s.view().lastExit ? [s.view().lastExit!.pid] : []), ...(treePids.get(s.id) ?? [])])],
        cgroupPath: s.cgroupPath,
        rssBytes: s.view().memory?.rss ?? 0,
      })),
    );
    const k: OomKill = { ...kill, backend: attributed.backend, likelyCause: attributed.likelyCause };
    store.pushOom(k);
    const sup = k.backend ? supervisors.get(k.backend) : undefined;
    if (sup) sup.markOomKilled(k);
    else emit({ kind: 'oom', reason: `OOM killer took ${k.comm} (pid ${k.pid})${k.likelyCause ? `; largest backend: ${k.likelyCause}` : ''}`, pid: k.pid, oom: k });
  };
  const stopFeeds = await parts.startFeeds({
    opts,
    stateDir,
    store,
    emit,
    onKill,
    backends: () => [...supervisors.values()],
    config: () => lastConfig,
    treePids,
    log,
  });

  const withSup = <T extends IdRequest>(req: T, f: (s: BackendSupervisor) => Promise<CommandResult>): Promise<CommandResult> => {
    const s = supervisors.get(req.id);
    return s ? f(s) : Promise.resolve(unknownBackend(req.id));
  };

  const core: VigilCore = {
    store,
    configPath,
    stateDir,
    supervisor: (id) => supervisors.get(id),
    reloadConfig: () => reloadConfig(),
    getState: (): VigilState => store.get(),
    start: (req) => withSup(req, (s) => s.start()),
    stop: (req) => withSup(req, (s) => s.stop()),
    restart: (req) => withSup(req, (s) => s.restart()),
    reap: (req) => withSup(req, (s) => s.reap()),
    getLogs: async (req: LogsRequest): Promise<LogChunk> => {
      if (!supervisors.has(req.id)) return { id: req.id, lines: [], path: null };
      const l = logFor(req.id);
      return { id: req.id, lines: await l.tail(req.lines ?? 500), path: l.path };
    },
    getEvents: async (req: EventsRequest): Promise<VigilEvent[]> => journal.query(req),
    getHistory: async (req: HistoryRequest): Promise<History> => parts.history(req),
    addBackend: async (req: AddBackendRequest): Promise<CommandResult> => {
      if (configs.has(req.id)) return { ok: false, message: `backend '${req.id}' already exists` };
      const r = await parts.appendBackend(configPath, req.id, req.config);
      if (!r.ok) return r;
      await reloadConfig();
      return r;
    },
    openConfig: async (): Promise<CommandResult> => ({ ok: true, message: configPath }),
    subscribe: (cb): Unsubscribe => store.subscribe(cb),
    subscribeLogs: (id, cb): Unsubscribe => {
      if (!supervisors.has(id)) return () => {};
      const l = logFor(id);
      return l.subscribe((lines) => cb({ id, lines, path: l.path }));
    },
    shutdown: async (onProgress) => {
      if (closed) return;
      closed = true;
      stopWatch();
      stopFeeds();
      const all = [...supervisors.values()];
      const keep = all.filter((s) => configs.get(s.id)?.keepRunningOnQuit && s.process);
      const stop = all.filter((s) => !keep.includes(s) && s.process);
      if (stop.length) onProgress?.(`stopping ${stop.map((s) => s.id).join(', ')}…`);
      await Promise.all(
        stop.map(async (s) => {
          const r = await s.stop();
          onProgress?.(`${s.id}: ${r.message}`);
        }),
      );
      for (const s of keep) {
        emit({ kind: 'system', backend: s.id, reason: `left running on quit (keepRunningOnQuit); pid ${s.process?.pid} recorded for adoption`, pid: s.process?.pid ?? null });
        onProgress?.(`${s.id}: left running`);
      }
      // Detach all: kept ones stay in running.json for the next Vigil.
      for (const s of all) {
        if (keep.includes(s)) s.detach();
        else s.dispose();
      }
      for (const l of logs.values()) l.close?.();
      journal.close();
    },
  };
  return core;
}
