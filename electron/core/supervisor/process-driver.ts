// Drives one backend's processes through the lifecycle: spawn, watch, exit,
// backoff restart, stop. It wires the parts — the state machine and its
// timers (state-machine.ts), watching and health verdicts (health-monitor.ts),
// spawning (spawn-backend.ts), stopping (stop-sequence.ts), exit records and
// OOM matching (exit-recorder.ts), ports (port-conflict.ts) — and keeps the
// backend's record (backend-record.ts), published one way to the store.
// BackendSupervisor adds the commands on top. `gen` marks the current
// process: queued work of an older one does nothing.
import { closeHandle, peekExit, reap, type ProcessHandle } from '../../../native-bindings/process.js';
import type { CommandResult } from '../../common/api.js';
import { formatDuration } from '../../common/format.js';
import type { BackendStatus, BackendView, ExitInfo } from '../../common/state.js';
import { stderrLogger, type Logger } from '../diagnostics.js';
import { BackendRecord } from './backend-record.js';
import { CommandQueue, INTERNAL_ERROR } from './command-queue.js';
import { exitFromWait, withNote } from './exit-info.js';
import { ExitRecorder } from './exit-recorder.js';
import { HealthMonitor } from './health-monitor.js';
import { MemoryLimit } from './memory-limit.js';
import { OomCorrelation } from './oom-correlation.js';
import { PortChoice, readLogTail } from './port-conflict.js';
import { planAfterExit, RestartLimiter } from './restart-policy.js';
import { firstRefusal, type BackendContext, type TickWork } from './seams.js';
import { launch, substitute, type Launch, type LaunchDeps } from './spawn-backend.js';
import { Lifecycle, LIVE_STATUSES as LIVE } from './state-machine.js';
import { KILL_WAIT_MS, StopSequence } from './stop-sequence.js';
import type { SupervisedBackendConfig, SupervisorDeps } from './types.js';

/** The startup timeout lives from spawn until the backend is first ready (or stops); it acts only in starting/loading. */
const STARTUP: readonly BackendStatus[] = ['starting', 'loading', 'unhealthy'];
const NO_WORK: readonly TickWork[] = [];

export abstract class ProcessDriver {
  readonly id: string;
  protected cfg: SupervisedBackendConfig;
  protected readonly deps: SupervisorDeps;
  protected readonly log: Logger;
  protected readonly rec: BackendRecord;
  /** What plug-ins are handed of this backend (seams.ts). */
  protected readonly context: BackendContext;
  protected readonly life: Lifecycle;
  protected readonly queue: CommandQueue;
  protected readonly limiter: RestartLimiter;
  protected readonly limit: MemoryLimit;
  protected readonly monitor: HealthMonitor;
  protected readonly exits: ExitRecorder;
  protected readonly ports: PortChoice;
  /** The live process, or the zombie awaiting reap. */
  protected handle: ProcessHandle | null = null;
  protected gen = 0;
  protected disposed = false;
  private readonly io: LaunchDeps & { report: (reason: string) => void };
  /** Where this process's output starts in the log file. */
  private logOffset = 0;
  private stopSeq: StopSequence | null = null;
  /** The planned restart, read on entering backoff. */
  private backoffPlan = { delay: 0, after: '' };

  constructor(cfg: SupervisedBackendConfig, deps: SupervisorDeps) {
    this.id = cfg.id;
    this.cfg = cfg;
    this.deps = deps;
    this.log = deps.log ?? stderrLogger;
    this.limiter = new RestartLimiter(cfg.restart.limit);
    this.ports = new PortChoice(cfg.port);
    this.queue = new CommandQueue(cfg.id, this.log);
    this.context = {
      id: cfg.id,
      config: () => this.cfg,
      view: () => this.rec.snapshot(),
      cgroupPeak: () => this.limit.peak(),
      setFit: (fit) => {
        if (!this.disposed) this.rec.setFit(fit);
      },
      setLlama: (llama) => {
        if (!this.disposed) this.rec.setLlama(llama);
      },
    };
    const observers = deps.observers ?? [];
    this.rec = new BackendRecord(cfg, deps.store, observers.length ? (before, after) => this.notify(before, after) : undefined);
    this.life = new Lifecycle('stopped', { changed: (f, t, r, p) => this.changed(f, t, r, p), enter: (t, f) => this.enter(t, f) }, { strict: deps.strict ?? false, log: this.log, name: cfg.id });
    const system = (reason: string): void => void deps.emit({ kind: 'system', backend: this.id, reason, pid: this.handle?.pid ?? null });
    this.limit = new MemoryLimit({
      backendId: cfg.id,
      factory: deps.cgroupFactory,
      unavailable: deps.cgroupUnavailable,
      warn: (why) => system(`memory limit not enforced: ${why}; running without it`),
      onPath: (p) => this.rec.publish({ cgroup: p }),
      onCounterRose: () => this.exits.counterRose(this.handle?.pid ?? null),
    });
    this.exits = new ExitRecorder({
      id: cfg.id,
      rec: this.rec,
      oom: new OomCorrelation(),
      limit: this.limit,
      registry: deps.registry,
      store: deps.store,
      emit: deps.emit,
      explainers: deps.explainers,
      config: () => this.cfg,
      status: () => this.life.status,
      note: deps.note,
    });
    this.monitor = new HealthMonitor(
      {
        status: () => this.life.status,
        exited: () => this.onExit(),
        become: (to, reason) => this.transition(to, reason),
        unresponsive: (reason) => this.restartUnresponsive(reason),
        procState: (ps) => this.rec.publishProcState(ps),
        latency: (ms) => this.rec.publish({ healthLatencyMs: ms }),
        shownLatency: () => this.rec.state.healthLatencyMs,
      },
      this.log,
    );
    this.io = { logPath: deps.logPath, limit: this.limit, registry: deps.registry, note: deps.note, warn: system, report: system };
    if (observers.length) this.notify(null, this.rec.snapshot());
  }

  get status(): BackendStatus {
    return this.life.status;
  }

  /** The observers hear a change of the record (before is null for the first view). */
  protected notify(before: BackendView | null, after: BackendView): void {
    for (const o of this.deps.observers ?? []) {
      try {
        o.notify(this.context, before, after);
      } catch (e) {
        this.log.error(`${this.id}: an observer failed`, e);
      }
    }
  }

  // ---- lifecycle -------------------------------------------------------------------

  protected transition(to: BackendStatus, reason: string, pid: number | null = this.handle?.pid ?? null): void {
    this.life.transition(to, reason, pid);
  }

  private changed(from: BackendStatus, to: BackendStatus, reason: string, pid: number | null): void {
    this.rec.publish(to === 'backoff' ? { status: to, reason, since: Date.now() } : { status: to, reason, since: Date.now(), nextRestartAt: null });
    this.deps.emit({ kind: 'transition', backend: this.id, from, to, reason, pid });
  }

  /** Entry work of a state, systemd-style: its timers are armed here and disarmed by leaving it. */
  private enter(to: BackendStatus, from: BackendStatus): void {
    const wasLive = LIVE.includes(from);
    if (wasLive && !LIVE.includes(to)) this.monitor.stop();
    if (to === 'starting' && !wasLive) this.watchNewProcess();
    else if (to === 'backoff') this.armRestart();
    else if (to === 'stopping') this.armGrace();
  }

  /** A process was spawned or adopted: the startup timeout, exit watching and health probes begin. */
  private watchNewProcess(): void {
    const h = this.handle;
    if (!h) return;
    const timeout = this.cfg.health.startupTimeoutMs;
    this.life.armWhile(STARTUP, timeout, () => {
      const s = this.status;
      if (s === 'starting' || s === 'loading') this.restartUnresponsive(`unresponsive: not ready after ${formatDuration(timeout)} (${s})`);
    }, true);
    const factories = this.deps.tickWork;
    const proc = { pid: h.pid, port: this.ports.port, logOffset: this.rec.state.adopted ? null : this.logOffset };
    const extras = factories?.length ? factories.map((f) => f(this.cfg, proc, this.context)).filter((w): w is TickWork => w !== null) : NO_WORK;
    this.monitor.start({ handle: h, port: this.ports.port, health: () => this.cfg.health, pollMs: this.deps.pollMs ?? 1000, extras });
  }

  private armRestart(): void {
    const g = this.gen;
    const { delay, after } = this.backoffPlan;
    const fire = (): void =>
      this.queue.task('restart', async () => {
        if (this.gen !== g || this.status !== 'backoff' || this.disposed) return;
        await this.spawn(`restart after: ${after}`);
      });
    // Backoff 0: no timer turn, the replacement is queued right away.
    if (delay === 0) fire();
    else this.life.armWhile(['backoff'], delay, fire);
  }

  private armGrace(): void {
    const seq = this.stopSeq;
    if (!seq) return;
    this.life.armWhile(['stopping'], this.cfg.stop.graceMs, () => {
      if (seq.escalate()) this.life.armWhile(['stopping'], KILL_WAIT_MS, () => seq.abandon());
    });
  }

  // ---- spawning and stopping ---------------------------------------------------------

  /** Spawn now (inside the queue); `anyway`: the user starts it despite what the pre-start checks say. */
  protected async spawn(why: string, anyway = false): Promise<CommandResult> {
    let port: number | null;
    try {
      const next = this.ports.next();
      port = typeof next === 'number' ? next : await next;
    } catch (e) {
      return this.cannotStart(`no free port: ${(e as Error).message}`);
    }
    if (this.disposed) return { ok: false, message: `${this.id} is no longer supervised` };
    const checks = this.deps.preStart;
    if (checks?.length) {
      const refusal = await firstRefusal(checks, { cfg: this.cfg, backend: this.context, argv: substitute(this.cfg.cmd, { port }), port, why, anyway });
      if (refusal !== null) return this.cannotStart(`start refused: ${refusal}`);
    }
    let r: Launch;
    try {
      r = launch(this.cfg, port, this.io);
    } catch (e) {
      // A fault, not the user's doing: logged, and the backend is held rather than left mid-transition.
      this.log.error(`${this.id}: spawn failed`, e);
      return this.cannotStart(INTERNAL_ERROR);
    }
    if (!r.ok) {
      this.handle = null;
      this.rec.publish({ pid: null, pgid: null, procState: null, startedAt: null, port, command: r.argv });
      return this.cannotStart(r.reason);
    }
    const h = r.handle;
    this.handle = h;
    this.ports.use(port);
    this.gen++;
    this.logOffset = r.logOffset;
    this.exits.newProcess();
    this.rec.publish({ pid: h.pid, pgid: h.pgid, port, startedAt: r.startedAt, command: r.argv, adopted: false, awaitingReap: false, healthLatencyMs: null, procState: 'running', oomScoreAdj: r.oomScoreAdj });
    this.transition('starting', why, h.pid);
    return { ok: true, message: `started pid ${h.pid}${port !== null ? ` on port ${port}` : ''}` };
  }

  private cannotStart(reason: string): CommandResult {
    this.transition('failed', reason, null);
    return { ok: false, message: reason };
  }

  /** Stop the live process (stop signal or command, grace, SIGKILL) and record its exit. */
  protected async terminateCurrent(reason: string): Promise<ExitInfo> {
    const h = this.handle!;
    this.gen++; // the process's watchers must not take this exit for a crash
    const seq = (this.stopSeq = new StopSequence(h, this.cfg, this.ports.port, this.io));
    this.transition('stopping', reason, h.pid);
    seq.request();
    await seq.gone;
    const r = seq.finish();
    this.stopSeq = null;
    const exit = this.exits.record(h, exitFromWait(h.pid, r, reason), false);
    if (this.handle === h) this.handle = null;
    return exit;
  }

  /** Policy restart of a live but unresponsive process: terminate the group, spawn again. */
  private restartUnresponsive(reason: string): void {
    const g = this.gen;
    this.monitor.stop();
    this.queue.task('restart', async () => {
      if (this.gen !== g || !this.handle) return;
      await this.terminateCurrent(reason);
      if (this.limiter.exceeded()) return this.transition('failed', `${this.limiter.describe()} (last: ${reason})`);
      this.limiter.record();
      this.rec.publish({ restarts: this.rec.state.restarts + 1 });
      await this.spawn(`restart: ${reason}`);
    });
  }

  protected releaseCgroup(): Promise<void> {
    return this.limit.release(this.handle !== null);
  }

  /** Let go: every timer and watcher stops; the process itself is not touched. */
  protected letGo(): void {
    this.disposed = true;
    this.gen++;
    this.life.disarmAll();
    this.monitor.stop();
    this.limit.stopWatching();
    if (this.handle) closeHandle(this.handle);
  }

  // ---- exits ------------------------------------------------------------------------

  /**
   * The watched process exited on its own (crash, kill -9, OOM …). The exit
   * and the transitions it leads to are one store update: a host that pushes
   * the first change at once would otherwise show a moment that never was
   * (status ready, no process).
   */
  private onExit(): void {
    this.deps.store.batch(() => this.recordExit());
  }

  private recordExit(): void {
    const h = this.handle;
    if (!h || !LIVE.includes(this.status)) return;
    this.gen++;
    this.monitor.stop();
    // Policy never: the zombie stays for the user to see and reap; its status is read without collecting it.
    const keep = this.cfg.restart.policy === 'never' && h.isChild;
    let exit = keep
      ? withNote(exitFromWait(h.pid, this.exits.wait(h, peekExit), 'exited', false), 'zombie awaiting reap (restart policy: never)')
      : exitFromWait(h.pid, this.exits.wait(h, reap), h.isChild ? 'exited (status not collected)' : 'exited (adopted: exit status collected by its parent)');
    const tail = readLogTail(this.deps.logPath, this.logOffset);
    exit = this.exits.record(h, this.exits.explain(exit, tail), keep);
    if (!keep) this.handle = null;
    const conflict = this.ports.conflict(tail);
    if (conflict) this.deps.emit({ kind: 'system', backend: this.id, reason: conflict });
    this.transition('exited', exit.reason, h.pid);
    const next = planAfterExit(this.cfg.restart, exit, this.limiter);
    if (next.kind === 'failed') return this.transition('failed', next.reason, h.pid);
    if (next.kind === 'stay') return;
    this.backoffPlan.delay = next.delay;
    this.backoffPlan.after = exit.reason;
    this.rec.publish({ nextRestartAt: Date.now() + next.delay, restarts: this.rec.state.restarts + 1 });
    // The delay, not a countdown: the reason stays on screen while the time runs (the card counts down from nextRestartAt).
    this.transition('backoff', `${exit.reason}; restart after a ${formatDuration(next.delay)} backoff`, null);
  }

  protected collectZombie(): ExitInfo {
    const exit = this.exits.collectZombie(this.handle!);
    this.handle = null;
    return exit;
  }
}
