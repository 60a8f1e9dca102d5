// The parts createVigil wires together, behind small interfaces so tests can
// swap one and so the facade does not depend on each module's details.
// Where a sibling module (journal, logs, memory, cgroup) has not landed yet,
// the part here is a plain, working minimum — noted at each one.
// Journal and logs: electron/core/journal, electron/core/logs (engineer D).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { CommandResult, EventsRequest, HistoryRequest, LogLine } from '../common/api.js';
import { BackendSchema, type VigilConfig } from '../common/config-schema.js';
import type { ConfigIssue, History, OomKill, VigilEvent } from '../common/state.js';
import { ConfigWatcher, loadConfig, type ConfigLoadResult } from './config/index.js';
import { EventJournal } from './journal/event-journal.js';
import { BackendLog } from './logs/backend-log.js';
import { backendLogPath, resolveConfigPath, resolveStateDir } from './paths.js';
import { attributeKill, KernelLogWatcher, type BackendForAttribution } from './oom/index.js';
import { createBackendCgroup, detectMemoryHierarchy } from './cgroup/index.js';
import { AlertTracker, backendMemoryMoved, MemorySampler, systemMemoryMoved, type AlertConfig } from './memory/index.js';
import type { VigilStore } from './store.js';
import type { BackendSupervisor } from './supervisor/backend-supervisor.js';
import type { CgroupFactory, EventDraft } from './supervisor/types.js';
import type { CreateVigilOptions } from './vigil.js';

export interface JournalLike {
  append(ev: Omit<VigilEvent, 'seq'>): VigilEvent;
  query(req: EventsRequest): VigilEvent[];
  close(): void;
}

export interface LogLike {
  readonly path: string;
  tail(lines: number): LogLine[] | Promise<LogLine[]>;
  subscribe(cb: (lines: LogLine[]) => void): () => void;
  appendVigilLine(text: string): void;
  close?(): void;
}

export interface ConfigLoad {
  config: VigilConfig | null;
  errors: ConfigIssue[];
  ignored: string[];
  format: 'vigil' | 'llama-swap' | null;
  created: boolean;
}

export interface FeedContext {
  opts: CreateVigilOptions;
  stateDir: string;
  store: VigilStore;
  emit: (d: EventDraft) => VigilEvent;
  onKill: (k: OomKill) => void;
  backends: () => BackendSupervisor[];
  /** The config in force (last good load), for sampling interval and alert thresholds. */
  config: () => VigilConfig | null;
  /** Filled by the memory feed: each backend's process-tree pids at the last sample (for OOM attribution). */
  treePids: Map<string, number[]>;
  log: (msg: string) => void;
}

export interface CoreParts {
  defaultConfigPath(): string;
  defaultStateDir(): string;
  loadConfig(file: string): Promise<ConfigLoad>;
  /** Calls onChange with the freshly loaded file after each edit; returns stop. */
  watchConfig(file: string, onChange: (loaded: ConfigLoad) => void): () => void;
  openJournal(stateDir: string): JournalLike;
  openLog(stateDir: string, id: string): LogLike;
  cgroupSupport(opts: CreateVigilOptions): { factory: CgroupFactory | null; why: string };
  attributeKill(kill: OomKill, backends: BackendForAttribution[]): { backend: string | null; likelyCause: string | null };
  /** Starts memory/OOM feeds; returns their stop function. */
  startFeeds(ctx: FeedContext): Promise<() => void>;
  history(req: HistoryRequest): History;
  appendBackend(configFile: string, id: string, config: Record<string, unknown>): Promise<CommandResult>;
}

// ---- config ---------------------------------------------------------------------

function toLoad(r: ConfigLoadResult): ConfigLoad {
  if (r.ok) return { config: r.config, errors: [], ignored: r.ignored, format: r.format, created: r.created };
  return { config: null, errors: r.issues, ignored: [], format: r.format, created: false };
}

async function load(file: string): Promise<ConfigLoad> {
  return toLoad(await loadConfig(file, { create: true }));
}

/**
 * D's ConfigWatcher (directory watch, debounce, coalesced reloads). Its own
 * start-up load repeats the core's first load, so listening begins after it.
 */
function watchConfig(file: string, onChange: (loaded: ConfigLoad) => void): () => void {
  const w = new ConfigWatcher(file);
  let stopped = false;
  let off: (() => void) | null = null;
  w.start()
    .then(() => {
      if (stopped) return w.stop();
      off = w.onChange((c) => onChange(toLoad(c.result)));
    })
    .catch(() => {
      // directory gone or unwatchable: reload on demand only
      w.stop();
    });
  return () => {
    stopped = true;
    off?.();
    w.stop();
  };
}

/** Append one backend to the file with yaml's Document API, so comments and layout survive. */
async function appendBackend(file: string, id: string, config: Record<string, unknown>): Promise<CommandResult> {
  const parsed = BackendSchema.safeParse(config);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    return { ok: false, message: `backends.${id}${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}` };
  }
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const doc = parseDocument(text);
  if (doc.errors.length) return { ok: false, message: `${file}: cannot add to a file with YAML errors (${doc.errors[0]!.message})` };
  if (doc.hasIn(['backends', id])) return { ok: false, message: `backend '${id}' already exists in ${file}` };
  if (!doc.has('backends') || doc.get('backends') === null) doc.set('backends', doc.createNode({}));
  doc.setIn(['backends', id], doc.createNode(config));
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, doc.toString());
  renameSync(tmp, file);
  return { ok: true, message: `added backend '${id}' to ${file}` };
}

// ---- backend logs ----------------------------------------------------------------------

function openBackendLog(stateDir: string, id: string): LogLike {
  // fs.watch delivers appends at once; the poll is only its backstop, and at
  // the default 500 ms, 50 backends' polls were 100 stat calls a second.
  const l = new BackendLog(backendLogPath(stateDir, id), { pollMs: 5000 });
  l.start();
  return {
    path: l.path,
    tail: (n) => l.tail(n),
    subscribe: (cb) => l.subscribe(cb),
    appendVigilLine: (text) => l.appendVigilLine(text),
    close: () => l.stop(),
  };
}

// ---- cgroups ----------------------------------------------------------------------

function cgroupSupport(opts: CreateVigilOptions): { factory: CgroupFactory | null; why: string } {
  const env = opts.procRoot ? { procRoot: opts.procRoot } : {};
  const det = detectMemoryHierarchy(env);
  if (!det.ok) return { factory: null, why: det.reason };
  const factory: CgroupFactory = (id, limitBytes) => {
    const r = createBackendCgroup({ id, limitBytes, ...env });
    // The supervisor turns a throw into its one 'system' event with this reason.
    if (!r.ok) throw new Error(r.reason);
    const cg = r.cg;
    return {
      path: cg.path,
      version: cg.version,
      addProcess: (pid) => cg.addProcess(pid),
      oomKillCount: () => cg.oomKillCount(),
      usage: () => {
        try {
          return cg.usage();
        } catch {
          return null; // cgroup gone or file unreadable: the alert falls back to RSS
        }
      },
      remove: () => cg.remove(),
    };
  };
  return { factory, why: '' };
}

// ---- memory --------------------------------------------------------------------------

function alertConfig(c: VigilConfig | null): AlertConfig {
  if (!c) return {};
  const a = c.alerts;
  const below = a.memAvailableBelow as { percent: number } | { bytes: number };
  return {
    ...('percent' in below ? { memAvailableBelowPercent: below.percent } : { memAvailableBelowBytes: below.bytes }),
    psiFullAvg10Above: a.psiFullAvg10Above,
    limitMarginPercent: a.limitMarginPercent,
  };
}

/** Sampler → per-backend memory, system/GPU state, alerts as 'warning' events. Returns stop. */
function startMemory(ctx: FeedContext, onSampler: (s: MemorySampler) => void): () => void {
  let tracker = new AlertTracker(alertConfig(ctx.config()));
  let trackedFor = ctx.config()?.alerts;
  const sampler = new MemorySampler({
    ...(ctx.opts.procRoot ? { procRoot: ctx.opts.procRoot } : {}),
    ...(ctx.opts.sysRoot ? { sysRoot: ctx.opts.sysRoot } : {}),
    intervalMs: ctx.config()?.sampling.intervalMs ?? 1000,
    ...(ctx.opts.nvidiaSmi !== undefined ? { nvidiaSmi: ctx.opts.nvidiaSmi } : {}),
    getBackends: () => ctx.backends().map((s) => ({ id: s.id, pid: s.process?.pid ?? null })),
    onError: (e) => ctx.log(`memory sampler: ${e.message}`),
    // One snapshot per tick, not one per backend.
    onSample: (sample) => ctx.store.batch(() => {
      const sups = ctx.backends();
      ctx.treePids.clear();
      for (const s of sups) {
        const m = sample.backends[s.id] ?? null;
        if (m) ctx.treePids.set(s.id, m.pids);
        // The history has every sample; the state only figures that moved (see publish.ts).
        if (backendMemoryMoved(s.view().memory, m)) s.setMemory(m && { rss: m.rss, pss: m.pss, anon: m.anon, file: m.file, shmem: m.shmem, swap: m.swap, processes: m.processes });
      }
      if (systemMemoryMoved(ctx.store.get().memory, sample)) ctx.store.setSystemMemory(sample.system, sample.gpus);
      // A config reload may change thresholds: start a fresh tracker for them.
      const cfg = ctx.config();
      if (cfg?.alerts !== trackedFor) {
        trackedFor = cfg?.alerts;
        tracker = new AlertTracker(alertConfig(cfg));
      }
      const t = tracker.update(
        sample,
        // The cgroup's charge is what its limit is enforced on; RSS only without a cgroup.
        // Only backends with a limit can raise one (and only they have a cgroup to read).
        sups.filter((s) => s.view().memoryLimit !== null).map((s) => ({ id: s.id, memoryLimit: s.view().memoryLimit, rss: sample.backends[s.id]?.rss ?? 0, cgroupUsage: s.cgroupUsage() })),
      );
      for (const a of t.raised) ctx.emit({ kind: 'warning', backend: a.backend, reason: a.message, details: { alert: a } });
      for (const a of t.cleared) ctx.emit({ kind: 'warning', backend: a.backend, reason: `cleared: ${a.message}`, details: { alert: a, cleared: true } });
      if (t.raised.length || t.cleared.length || tracker.active().length) ctx.store.setAlerts(tracker.active());
    }),
  });
  onSampler(sampler);
  sampler.start();
  return () => sampler.stop();
}

// ---- defaults -------------------------------------------------------------------------

export async function defaultParts(_opts: CreateVigilOptions): Promise<CoreParts> {
  let sampler: MemorySampler | null = null;
  return {
    defaultConfigPath: () => resolveConfigPath(),
    defaultStateDir: () => resolveStateDir(),
    loadConfig: load,
    watchConfig,
    openJournal: (dir) => EventJournal.open(dir, { onWarning: (m) => _opts.log?.(`journal: ${m}`) }),
    openLog: openBackendLog,
    cgroupSupport,
    attributeKill,
    startFeeds: async (ctx) => {
      const stopMemory = startMemory(ctx, (s) => (sampler = s));
      const stopKernel = await startKernelLog(ctx);
      return () => {
        stopMemory();
        stopKernel();
      };
    },
    history: (req) => (sampler ? sampler.history.export(req.range, { ...(req.series ? { series: req.series } : {}), ...(req.since !== undefined ? { since: req.since } : {}) }) : { resolution: 1, t: [], series: {} }),
    appendBackend,
  };
}

async function startKernelLog(ctx: FeedContext): Promise<() => void> {
      const sources = ctx.opts.kernelLogSources ?? ['kmsg', 'journal'];
      if (ctx.opts.kmsgPath === null && ctx.opts.journalctl === null) return () => {};
      const w = new KernelLogWatcher({
        stateDir: ctx.stateDir,
        ...(ctx.opts.kmsgPath ? { kmsgPath: ctx.opts.kmsgPath } : {}),
        journalctl: ctx.opts.journalctl === undefined ? 'journalctl' : ctx.opts.journalctl,
        sources: ctx.opts.kmsgPath === null ? sources.filter((s) => s !== 'kmsg') : sources,
        onKill: ctx.onKill,
        onStatus: (s) => ctx.store.setKernelLog(s),
        onError: (e) => ctx.log(`kernel log: ${e.message}`),
      });
      await w.start().catch((e: unknown) => ctx.log(`kernel log watcher failed to start: ${(e as Error).message}`));
      return () => w.stop();
}
