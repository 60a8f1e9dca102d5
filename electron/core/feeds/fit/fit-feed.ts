// "Will it fit?" wired into the core. Before every start (a supervisor
// pre-start check) the backend's llama-server command is predicted against
// the machine as it is, the verdict goes on the card and into an event, and
// the backend's policy `refuse` keeps a `wont-fit` from starting (unless the
// user starts it anyway). Each run that becomes ready is measured from the
// memory sampler's figures, the cgroup's peak and llama-server's own log, and
// recorded so the next prediction learns from it; an OOM kill gets advice in
// the same model's numbers. A stopped backend shows a prediction too, made
// when its config is first seen or changed, without an event.
import { gttOf, type GpuUse } from '../../../common/gpu.js';
import type { PredictFitRequest } from '../../../common/api.js';
import { parseSize } from '../../../common/config-schema.js';
import type { BackendFit, FitPolicy, FitPrediction } from '../../../common/fit.js';
import { backendFitOf } from '../../../common/fit-view.js';
import type { BackendView, GpuMemory, VigilEvent } from '../../../common/state.js';
import { hasProcess } from '../../../common/status.js';
import { CommandSplitError, splitCommand } from '../../config/index.js';
import { isLlamaServerCommand } from '../../llama/command-line.js';
import type { Logger } from '../../diagnostics.js';
import { adviseAfterOom, machineNow, parseServerArgs, parseServerMemoryLog, predictForModel, type FitEnvironment, type MeasurementStore } from '../../fit/index.js';
import type { VigilStore } from '../../store.js';
import type { SupervisedBackendConfig } from '../../supervisor/backend-config.js';
import type { BackendContext, BackendObserver, PreStartContext } from '../../supervisor/seams.js';
import type { EventDraft } from '../../events.js';
import { gpuOomAdvice } from './gpu-oom-advice.js';
import { FitRun, oomKey, type RunCommand } from './fit-run.js';
import { ModelCache } from './model-cache.js';
import { currentRunLog } from './run-log.js';

export interface FitFeedDeps {
  /** The advice after an OOM kill, beside the kill in the timeline. */
  setOomAdvice: VigilStore['setOomAdvice'];
  /** The GPUs' memory as last sampled. */
  gpus(): GpuMemory[];
  /** When the GPU figures were sampled (ms; the state's system memory time): before a process's exit, they still count what it held. */
  sampledAt?(): number;
  emit(d: EventDraft): VigilEvent;
  measurements: MeasurementStore;
  logPath(id: string): string;
  logger: Logger;
  procRoot?: string;
  /** After ready, this long (ms) before its figures are recorded: a sample or two of the ready process. */
  settleMs(): number;
  /** A prediction slower than this (ms; a hung network disk) lets the start go on without one. */
  timeoutMs?: number;
}

/** After an exit, how long the OOM killer's part may take to be known before the run's end is recorded as a plain exit. */
const EXIT_SETTLE_MS = 1500;
/** How long the advice waits for the kernel's figures of the kill before it is announced without them. */
const ADVICE_WAIT_MS = 3000;

const signatures = new WeakMap<SupervisedBackendConfig, string>();
/** What a prediction depends on in a backend's config (read on every snapshot: kept per config object). */
function signature(c: SupervisedBackendConfig): string {
  let s = signatures.get(c);
  if (s === undefined) signatures.set(c, (s = JSON.stringify([c.cmd, c.cwd ?? null, c.env, c.memoryLimit, c.fit?.policy ?? 'warn'])));
  return s;
}
const policyOf = (c: SupervisedBackendConfig): FitPolicy => c.fit?.policy ?? 'warn';

/**
 * What the backend's own instance holds on the GPUs and a start frees: all
 * of it while it runs; after its exit, what it held at the last sample, as
 * long as the GPU figures in the state (sampled at `sampledAt`) predate the
 * exit and so still count it as used.
 */
export function ownGpuOnStart(view: Pick<BackendView, 'memory' | 'lastExit'> | null, live: boolean, sampledAt: number): readonly GpuUse[] | undefined {
  if (!view) return undefined;
  if (live) return view.memory?.gpu;
  const exit = view.lastExit;
  return exit && exit.time >= sampledAt ? (exit.lastGpu ?? undefined) : undefined;
}

export class FitFeed {
  private readonly models = new ModelCache();
  private readonly fits = new Map<string, BackendFit>();
  private readonly runs = new Map<string, FitRun>();
  /** Config signature each backend's shown prediction was made for. */
  private readonly predictedFor = new Map<string, string>();
  /** Bumped by every start's check: a preview that finishes later is stale. */
  private readonly generation = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Work started by the feed (records, advice), awaited at stop. */
  private readonly pending = new Set<Promise<unknown>>();
  /** Final records waiting for the exit to settle: run at stop without waiting. */
  private readonly finals = new Map<FitRun, () => void>();
  /** Each supervised backend as its supervisor hands it over. */
  private readonly backends = new Map<string, BackendContext>();
  private stopped = false;

  constructor(private readonly d: FitFeedDeps) {}

  /** The supervisors' pre-start check. Never throws: a fault predicts nothing and lets the start go on. */
  readonly check = async (ctx: PreStartContext): Promise<string | null> => {
    const id = ctx.cfg.id;
    this.backends.set(id, ctx.backend);
    this.generation.set(id, (this.generation.get(id) ?? 0) + 1);
    this.predictedFor.set(id, signature(ctx.cfg));
    try {
      return await this.beforeStart(ctx);
    } catch (e) {
      this.d.logger.error(`${id}: fit prediction failed`, e);
      this.show(id, backendFitOf({ verdict: 'unknown', why: `prediction failed: ${(e as Error).message}` }, policyOf(ctx.cfg), Date.now()));
      return null;
    }
  };

  /** The add-backend form's question: what would this command take here? */
  async predictCommand(req: PredictFitRequest): Promise<FitPrediction> {
    let argv: string[];
    try {
      argv = Array.isArray(req.cmd) ? req.cmd : splitCommand(req.cmd);
    } catch (e) {
      if (e instanceof CommandSplitError) return { verdict: 'unknown', why: `cannot read the command: ${e.message}` };
      throw e;
    }
    let memoryLimit: number | null = null;
    if (req.memoryLimit !== undefined && req.memoryLimit !== null && req.memoryLimit !== '') {
      memoryLimit = parseSize(req.memoryLimit);
      if (memoryLimit === null) return { verdict: 'unknown', why: `memory limit ${JSON.stringify(req.memoryLimit)} is not a size (e.g. 8G, 512MiB)` };
    }
    const machine = await this.machine(memoryLimit, undefined);
    return this.predict({ argv, cwd: req.cwd ?? null, env: { ...process.env, ...req.env } }, machine);
  }

  /**
   * What would fit now (the machine as it is at this moment) for the
   * backend's own command: the advice's text and each option as flags and
   * as the config's argv with those flags applied. `command` is the one the
   * running process was started with (a restart-smaller's). Null when the command
   * gets no prediction (not llama-server, model unreadable).
   */
  async adviceNow(c: SupervisedBackendConfig, command: string[] | null): Promise<{ text: string; options: { flags: string[]; argv: string[] }[] } | null> {
    const argv = command ?? c.cmd;
    const machine = await this.machine(c.memoryLimit, undefined);
    const a = await adviseAfterOom({ oom: null, lead: 'stopped under memory pressure', argv, cwd: c.cwd ?? null, env: { ...process.env, ...c.env }, machine, store: this.d.measurements });
    if ('verdict' in a) return null;
    return { text: a.text, options: a.options.map((o) => ({ flags: o.flags, argv: withFlags(c.cmd, o.flags) })) };
  }

  /** Stops watching; records of runs that ended are written first. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const flush of [...this.finals.values()]) flush();
    await Promise.allSettled([...this.pending]);
  }

  // ---- before a start ---------------------------------------------------------------------

  private async beforeStart(ctx: PreStartContext): Promise<string | null> {
    const { cfg } = ctx;
    const policy = policyOf(cfg);
    const command: RunCommand = { argv: ctx.argv, cwd: cfg.cwd ?? null, env: { ...process.env, ...cfg.env }, llama: cfg.llama ?? null };
    const view = ctx.backend.view();
    // A restart of a live instance would free what it holds; the supervisor stops it before this check, so this is rare.
    const live = view.pid !== null && hasProcess(view.status) ? view : null;
    // GTT is host RAM outside RSS: a restart frees it with the rest.
    const own = live ? (live.memory?.rss ?? 0) + gttOf(live.memory?.gpu) : 0;
    const ownGpu = ownGpuOnStart(view, live !== null, this.d.sampledAt?.() ?? 0);
    const machine = await this.machine(cfg.memoryLimit, own || undefined, ownGpu);
    const at = Date.now();
    const prediction = await this.withTimeout(this.predict(command, machine), true);
    const previous = this.fits.get(cfg.id);
    const fit = backendFitOf(prediction, policy, at);
    // Advice after a kill stays until a run is ready again: a restart must not wipe it.
    fit.advice = previous?.advice ?? null;
    this.runs.set(cfg.id, new FitRun(cfg.id, prediction.verdict === 'unknown' ? null : prediction, command, machine, at));
    // A run the kernel would kill at its configured context, at load or on a long prompt.
    const refuse = (prediction.verdict === 'wont-fit' || prediction.verdict === 'killed-on-prompt') && policy === 'refuse';
    if (refuse && !ctx.anyway) {
      this.show(cfg.id, { ...fit, refused: true });
      return `fit: ${fit.headline} (fit policy: refuse)`;
    }
    const anyway = refuse && ctx.anyway;
    this.show(cfg.id, { ...fit, startedAnyway: anyway });
    // Another program gets its "no prediction" on the card only: an event on each of its starts says nothing new.
    if (isLlamaServerCommand(ctx.argv, cfg.llama)) {
      const reason = `fit: ${fit.headline}${anyway ? ' — started anyway' : ''}`;
      this.d.emit({ kind: 'system', backend: cfg.id, reason, details: { fit: { verdict: fit.verdict, policy, predicted: fit.predicted } } });
    }
    return null;
  }

  private async machine(memoryLimit: number | null, ownInstanceBytes: number | undefined, ownGpu?: readonly GpuUse[]): Promise<FitEnvironment> {
    // Each device's free memory as its source counts it, plus what this backend's running instance holds there (a restart frees it).
    const gpus = this.d.gpus().map((g) => {
      const mine = ownGpu?.find((u) => u.device === g.id);
      return mine ? { ...g, ownVram: mine.vram, ownGtt: mine.gtt } : g;
    });
    return machineNow({ ...(this.d.procRoot ? { procRoot: this.d.procRoot } : {}), memoryLimit, ...(ownInstanceBytes ? { ownInstanceBytes } : {}), gpus });
  }

  private async predict(c: RunCommand, machine: FitEnvironment): Promise<FitPrediction> {
    const parsed = parseServerArgs(c.argv, { cwd: c.cwd ?? undefined, env: c.env, llama: c.llama ?? null });
    if (!parsed.ok) return { verdict: 'unknown', why: parsed.why };
    const model = await this.models.load(parsed.settings.model);
    if ('why' in model) return { verdict: 'unknown', why: model.why };
    return predictForModel(model, parsed.settings, machine, this.d.measurements, parsed.notes);
  }

  /** The prediction, or after timeoutMs "no prediction" (`starting`: the start goes on without one). */
  private withTimeout(p: Promise<FitPrediction>, starting: boolean): Promise<FitPrediction> {
    const ms = this.d.timeoutMs ?? 5000;
    const why = `reading the model took longer than ${ms / 1000}s${starting ? '; started without a prediction' : ''}`;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => resolve({ verdict: 'unknown', why }), ms);
      p.then(
        (v) => {
          clearTimeout(t);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(t);
          reject(e);
        },
      );
    });
  }

  private show(id: string, fit: BackendFit): void {
    this.fits.set(id, fit);
    this.backends.get(id)?.setFit(fit);
  }

  private patch(id: string, patch: Partial<BackendFit>): void {
    const fit = this.fits.get(id);
    if (fit) this.show(id, { ...fit, ...patch });
  }

  // ---- watching the runs ------------------------------------------------------------------

  /** Told by each supervisor where its record changes: a run's memory, readiness and exit; a prediction for a backend without a process. */
  readonly observer: BackendObserver = {
    notify: (backend, _before, b) => {
      if (this.stopped) return;
      this.backends.set(backend.id, backend);
      const run = this.runs.get(b.id);
      if (run) this.follow(run, b);
      if (!hasProcess(b.status)) this.preview(backend);
    },
    // A removed backend's records go; one added again under its id is predicted afresh.
    removed: (backend) => {
      for (const m of [this.predictedFor, this.fits, this.runs, this.generation, this.backends]) m.delete(backend.id);
    },
  };

  private follow(run: FitRun, b: BackendView): void {
    run.bind(b);
    if (run.pid === null || run.prediction === null) return;
    if (b.pid === run.pid && !run.ended) run.sample(b.memory);
    if (b.status === 'ready' && b.pid === run.pid && run.readyAt === null) {
      run.readyAt = Date.now();
      this.later(this.d.settleMs(), () => this.track(this.recordReady(run, 0)));
    }
    const exit = b.lastExit;
    if (!exit || exit.pid !== run.pid) return;
    if (!run.ended) {
      run.ended = true;
      // Read now: after a stop the cgroup goes.
      const cgroupPeak = this.backends.get(run.backend)?.cgroupPeak() ?? null;
      this.scheduleFinal(run, cgroupPeak);
    }
    if (exit.oomKilled && oomKey(exit) !== run.adviceKey) {
      run.adviceKey = oomKey(exit);
      const withFigures = exit.oom?.anonRssKb != null || exit.oom?.rssKb != null;
      this.later(0, () => this.track(this.advise(run, exit, withFigures)));
      if (!withFigures) this.later(ADVICE_WAIT_MS, () => this.track(this.announceAdvice(run)));
    }
    const gpuOom = exit.gpuOom;
    if (gpuOom?.gpu && run.prediction && run.adviceKey !== gpuOom.id) {
      // Out of GPU memory: what the prediction said of the GPUs, and the flags that take memory off them.
      run.adviceKey = gpuOom.id;
      const text = gpuOomAdvice(run.prediction, gpuOom.gpu);
      if (text) {
        this.patch(run.backend, { advice: { text, pid: exit.pid, at: Date.now(), options: [] } });
        this.d.setOomAdvice(run.backend, exit.pid, text);
        this.d.emit({ kind: 'system', backend: run.backend, pid: exit.pid, reason: `fit: after running out of GPU memory: ${text}` });
      }
    }
  }

  /** A prediction for a backend that is not running, when its config is new or changed. */
  private preview(backend: BackendContext): void {
    const { id } = backend;
    const cfg = backend.config();
    const sig = signature(cfg);
    if (this.predictedFor.get(id) === sig) return;
    this.predictedFor.set(id, sig);
    const gen = this.generation.get(id) ?? 0;
    this.later(0, () =>
      this.track(
        (async () => {
          const machine = await this.machine(cfg.memoryLimit, undefined);
          const p = await this.withTimeout(this.predict({ argv: cfg.cmd, cwd: cfg.cwd ?? null, env: { ...process.env, ...cfg.env }, llama: cfg.llama ?? null }, machine), false);
          if ((this.generation.get(id) ?? 0) !== gen || this.stopped) return; // a start predicted since
          this.show(id, backendFitOf(p, policyOf(cfg), Date.now()));
        })(),
      ),
    );
  }

  private async recordReady(run: FitRun, tries: number): Promise<void> {
    const b = this.backends.get(run.backend)?.view();
    if (!b || b.pid !== run.pid || run.ended || !run.prediction) return;
    const peak = run.peak ?? b.memory;
    if (!peak) {
      // No sample of the process yet (a slow sampler tick): look again, a few times.
      if (tries < 5) this.later(this.d.settleMs(), () => this.track(this.recordReady(run, tries + 1)));
      return;
    }
    const cgroupPeak = this.backends.get(run.backend)?.cgroupPeak() ?? null;
    const r = await this.d.measurements.record(run.prediction, { rss: peak.rss, anon: peak.anon, file: peak.file, cgroupPeak, log: parseServerMemoryLog(currentRunLog(this.d.logPath(run.backend))) });
    run.recordedReady = true;
    if (this.runs.get(run.backend) !== run) return;
    this.patch(run.backend, { measurement: { text: r.text, predicted: run.prediction.total, measured: r.run.measured.peak, error: r.run.error, at: r.run.at, final: false }, advice: null });
    this.d.emit({ kind: 'system', backend: run.backend, pid: run.pid, reason: `fit: ready; ${r.text}`, details: { fit: { predicted: run.prediction.total, measured: r.run.measured.peak } } });
  }

  /** At the end of a run that was ready: its peak, unless the OOM killer ended it (a killed run shows its limit, not its need). */
  private scheduleFinal(run: FitRun, cgroupPeak: number | null): void {
    let done = false;
    const flush = (): void => {
      if (done) return;
      done = true;
      this.finals.delete(run);
      this.track(this.recordFinal(run, cgroupPeak));
    };
    this.finals.set(run, flush);
    this.later(EXIT_SETTLE_MS, flush);
  }

  private async recordFinal(run: FitRun, cgroupPeak: number | null): Promise<void> {
    if (!run.recordedReady || !run.prediction) return;
    const b = this.backends.get(run.backend)?.view();
    if (b?.lastExit?.pid === run.pid && b.lastExit.oomKilled) return;
    const peak = run.peak;
    if (!peak) return;
    const r = await this.d.measurements.record(run.prediction, { rss: peak.rss, anon: peak.anon, file: peak.file, cgroupPeak, log: parseServerMemoryLog(currentRunLog(this.d.logPath(run.backend))) });
    if (this.runs.get(run.backend) !== run) return;
    this.patch(run.backend, { measurement: { text: r.text, predicted: run.prediction.total, measured: r.run.measured.peak, error: r.run.error, at: r.run.at, final: true } });
  }

  private async advise(run: FitRun, exit: NonNullable<BackendView['lastExit']>, withFigures: boolean): Promise<void> {
    const { argv, cwd, env, llama } = run.command;
    const key = oomKey(exit);
    const a = await adviseAfterOom({ oom: exit.oom, argv, cwd, env, llama, machine: run.machine, store: this.d.measurements });
    if ('verdict' in a) return; // no prediction for this command: no advice
    // Stopped, or the kernel's figures arrived meanwhile and a newer advice is on its way.
    if (this.stopped || run.adviceKey !== key) return;
    // A restart since does not drop it; a later run that became ready does.
    const current = this.runs.get(run.backend);
    if (current === run || !current?.recordedReady) {
      this.patch(run.backend, { advice: { text: a.text, pid: exit.pid, at: Date.now(), options: a.options.map(({ flags, needed }) => ({ flags, needed })) } });
    }
    this.d.setOomAdvice(run.backend, exit.pid, a.text);
    if (withFigures) await this.announceAdvice(run);
  }

  /** The advice into the journal, once per kill, with the best figures known by then. */
  private async announceAdvice(run: FitRun): Promise<void> {
    if (run.adviceAnnounced || this.stopped) return;
    const advice = this.fits.get(run.backend)?.advice;
    if (!advice || advice.pid !== run.pid) return;
    run.adviceAnnounced = true;
    this.d.emit({ kind: 'system', backend: run.backend, pid: run.pid, reason: `fit: after the OOM kill: ${advice.text}` });
  }

  private later(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  private track(p: Promise<unknown>): void {
    const q = p.catch((e: unknown) => this.d.logger.error('fit feed', e));
    this.pending.add(q);
    void q.finally(() => this.pending.delete(q));
  }
}

const ALIASES: Record<string, string[]> = { '-c': ['-c', '--ctx-size'], '-ctk': ['-ctk', '--cache-type-k'], '-ctv': ['-ctv', '--cache-type-v'] };

/** `argv` with each flag of `flags` (pairs: flag, value) set: its value replaced where the flag (or an alias) is given, else appended. */
export function withFlags(argv: readonly string[], flags: readonly string[]): string[] {
  const out = [...argv];
  for (let i = 0; i + 1 < flags.length; i += 2) {
    const flag = flags[i]!;
    const value = flags[i + 1]!;
    const names = ALIASES[flag] ?? [flag];
    const at = out.findIndex((a) => names.includes(a));
    const eq = out.findIndex((a) => names.some((n) => a.startsWith(`${n}=`)));
    if (at >= 0 && at + 1 < out.length) out[at + 1] = value;
    else if (eq >= 0) out[eq] = `${flag}=${value}`;
    else out.push(flag, value);
  }
  return out;
}
