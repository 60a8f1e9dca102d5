// One backend's supervisor: an explicit state machine
//   stopped → starting → loading → ready ⇄ unhealthy → exited → backoff → starting …
//   → failed (restart limit or spawn error; held until a human acts)
// Exit detection is event-driven (pidfd/SIGCHLD via watchExit) with an
// isRunning backstop poll. Every transition and command becomes an event.
// All state changes that spawn or kill run through a per-backend queue, and
// callbacks carry a generation number so a stale watcher/timer of an old
// process can never act on the new one.
import { mkdirSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  adoptProcess,
  closeHandle,
  isRunning,
  probe,
  reap,
  spawnProcess,
  terminate,
  watchExit,
  SpawnError,
  type ProcessHandle,
  type ReapResult,
} from '../../../native-bindings/process.js';
import type { CommandResult } from '../../common/api.js';
import type { BackendStatus, BackendView, ExitInfo, MemoryBreakdown, OomKill, ProcState, VigilEvent } from '../../common/state.js';
import { ProbeConnection, probeHealth } from '../health/http-probe.js';
import { everyShared } from '../shared-interval.js';
import { pickFreePort } from '../ports.js';
import type { VigilStore } from '../store.js';
import { CommandQueue } from './command-queue.js';
import { MemoryLimit } from './memory-limit.js';
import { exitFromReap, withOom } from './exit-info.js';
import { backoffDelay, RestartLimiter, wantsRestart } from './restart-policy.js';
import type { RunningRecord, RunningRegistry } from './running-registry.js';
import type { CgroupFactory, EventDraft, SupervisedBackendConfig } from './types.js';

export interface SupervisorDeps {
  store: VigilStore;
  /** Journal + store; returns the stored event. */
  emit: (ev: EventDraft) => VigilEvent;
  registry: RunningRegistry;
  /** File the child's stdout/stderr are appended to. */
  logPath: string;
  /** Writes a Vigil line into the backend's log (BackendLog.appendVigilLine), optional. */
  note?: (text: string) => void;
  /** Creates the memory-limit cgroup; null when unavailable (the reason is `cgroupUnavailable`). */
  cgroupFactory?: CgroupFactory | null;
  cgroupUnavailable?: string;
  /** isRunning backstop period, ms (default 1000). */
  pollMs?: number;
}

const LIVE: readonly BackendStatus[] = ['starting', 'loading', 'ready', 'unhealthy'];
// A kill line that arrives this long after the exit still amends it.
const OOM_LATE_MS = 10_000;
const PORT_IN_USE = /address already in use|couldn'?t bind|EADDRINUSE/i;
// Probe faster while the backend comes up, so `ready` shows promptly.
const STARTUP_PROBE_MS = 250;
const STOPPED = 'process is stopped (T)';
// Health latency is a moving average of the probes (one slow probe on a busy
// machine is not a slow server), stored — and pushed to every window — only
// when it moved noticeably (by 50 ms and by half): an idle, healthy backend
// is not news every probe, and each store update is a snapshot.
const LATENCY_SMOOTHING = 0.3;
const LATENCY_MIN_DELTA_MS = 50;
const LATENCY_MIN_DELTA_RATIO = 0.5;

export class BackendSupervisor {
  readonly id: string;
  private cfg: SupervisedBackendConfig;
  private readonly deps: SupervisorDeps;
  private readonly queue = new CommandQueue();
  private readonly limiter: RestartLimiter;
  private readonly inflight = new Set<string>();

  private handle: ProcessHandle | null = null;
  private gen = 0;
  private port: number | null = null;
  private rechoosePort = false;
  private logOffset = 0;
  private failures = 0;
  private unwatch: (() => void) | null = null;
  private probeTimer: NodeJS.Timeout | null = null;
  private stopBackstop: (() => void) | null = null;
  /** Registration on the shared steady-state probe timer, while on it. */
  private stopBeat: (() => void) | null = null;
  private probing = false;
  private viewIdx = -1;
  /** When a tick last checked liveness (performance.now()). */
  private checkedAt = 0;
  private conn: ProbeConnection | null = null;
  /** Smoothed probe latency of the current process, ms. */
  private latencyAvg: number | null = null;
  private startupTimer: NodeJS.Timeout | null = null;
  private backoffTimer: NodeJS.Timeout | null = null;
  private readonly limit: MemoryLimit;
  private earlyOom: { kill: OomKill; at: number } | null = null;
  private disposed = false;

  constructor(cfg: SupervisedBackendConfig, deps: SupervisorDeps) {
    this.id = cfg.id;
    this.cfg = cfg;
    this.deps = deps;
    this.limiter = new RestartLimiter(cfg.restart.limit);
    this.limit = new MemoryLimit({
      backendId: cfg.id,
      factory: deps.cgroupFactory,
      unavailable: deps.cgroupUnavailable,
      warn: (why) => this.deps.emit({ kind: 'system', backend: this.id, reason: `memory limit not enforced: ${why}; running without it` }),
      onPath: (p) => this.patch({ cgroup: p }),
      onCounterRose: () => this.onCgroupOom(),
    });
    deps.store.upsertBackend(this.initialView());
  }

  // ---- public API ------------------------------------------------------------

  get config(): SupervisedBackendConfig {
    return this.cfg;
  }

  view(): BackendView {
    // Read on every probe and transition: remember our index instead of a find() over all backends.
    const list = this.deps.store.get().backends;
    const hit = list[this.viewIdx];
    if (hit?.id === this.id) return hit;
    this.viewIdx = list.findIndex((b) => b.id === this.id);
    return list[this.viewIdx] ?? this.initialView();
  }

  get status(): BackendStatus {
    return this.view().status;
  }

  /** The live process, if any (for memory sampling and OOM attribution). */
  get process(): ProcessHandle | null {
    return this.handle;
  }

  get cgroupPath(): string | null {
    return this.limit.path;
  }

  /** Bytes charged to the memory-limit cgroup now; null without one or when unreadable (never throws: read per sampler tick). */
  cgroupUsage(): number | null {
    return this.limit.usage();
  }

  /** Replace the config (the caller restarts when it matters). */
  setConfig(cfg: SupervisedBackendConfig): void {
    this.cfg = cfg;
    this.limiter.setLimit(cfg.restart.limit);
    this.patch({ name: cfg.name ?? cfg.id, command: this.argvFor(this.port), restartPolicy: cfg.restart.policy, memoryLimit: cfg.memoryLimit });
  }

  setMemory(memory: MemoryBreakdown | null): void {
    this.patch({ memory });
  }

  start(): Promise<CommandResult> {
    return this.command('start', async () => {
      const s = this.status;
      if (LIVE.includes(s)) return { ok: false, message: `already running (${s})` };
      this.emitCommand('start');
      this.cancelBackoff();
      if (this.view().awaitingReap) this.collectZombie();
      this.limiter.reset();
      this.patch({ restarts: 0 });
      return this.spawn('started by user');
    });
  }

  stop(): Promise<CommandResult> {
    return this.command('stop', async () => {
      const s = this.status;
      if (s === 'stopped') return { ok: false, message: 'already stopped' };
      this.emitCommand('stop');
      if (s === 'backoff') {
        this.cancelBackoff();
        this.transition('stopped', 'stopped by user (pending restart cancelled)');
        await this.releaseCgroup();
        return { ok: true, message: 'pending restart cancelled' };
      }
      if (!LIVE.includes(s) || !this.handle) {
        // exited or failed: collect a zombie so none is left behind, then rest.
        if (this.view().awaitingReap) this.collectZombie();
        this.transition('stopped', 'stopped by user');
        await this.releaseCgroup();
        return { ok: true, message: `stopped (was ${s})` };
      }
      const exit = await this.terminateCurrent('stopped by user');
      this.transition('stopped', 'stopped by user', exit.pid);
      await this.releaseCgroup();
      return { ok: true, message: `stopped (${exit.reason})` };
    });
  }

  restart(): Promise<CommandResult> {
    return this.command('restart', async () => {
      this.emitCommand('restart');
      this.cancelBackoff();
      if (this.handle && LIVE.includes(this.status)) await this.terminateCurrent('restart requested by user');
      else if (this.view().awaitingReap) this.collectZombie();
      this.limiter.reset();
      this.patch({ restarts: 0 });
      return this.spawn('restarted by user');
    });
  }

  reap(): Promise<CommandResult> {
    return this.command('reap', async () => {
      if (!this.view().awaitingReap || !this.handle) return { ok: false, message: 'no exited child to reap' };
      this.emitCommand('reap');
      const exit = this.collectZombie();
      // Nothing of this backend runs now; a later start makes a fresh cgroup.
      if (!LIVE.includes(this.status) && this.status !== 'backoff') await this.releaseCgroup();
      return { ok: true, message: `reaped pid ${exit.pid}: ${exit.reason}`, exit };
    });
  }

  /**
   * Take over a process an earlier Vigil started (running.json). False when
   * the pid no longer carries the recorded start time (gone or reused).
   */
  adopt(rec: RunningRecord): Promise<boolean> {
    return this.queue.run(async () => {
      const h = adoptProcess(rec.pid, rec.startTime);
      if (!h) return false;
      this.handle = h;
      this.port = rec.port;
      this.gen++;
      this.latencyAvg = null;
      this.deps.registry.set(rec);
      this.patch({
        pid: h.pid,
        pgid: h.pgid,
        port: rec.port,
        adopted: true,
        startedAt: rec.startedAt ?? null,
        command: rec.command,
        lastExit: null,
        awaitingReap: false,
      });
      this.transition('starting', `adopted running process ${h.pid} from a previous Vigil`, h.pid);
      this.watch(this.gen);
      return true;
    });
  }

  /**
   * The kernel (or a cgroup counter) says the OOM killer took `kill.pid`.
   * Handles both orders: exit already seen (amend lastExit, emit 'oom') or
   * not yet (remember; the exit handler will classify it).
   */
  markOomKilled(kill: OomKill): boolean {
    const last = this.view().lastExit;
    if (last && last.pid === kill.pid && Date.now() - last.time < OOM_LATE_MS) {
      if (!last.oomKilled || !last.oom) this.amendOom(last, kill, kill.source);
      return true;
    }
    if (this.handle && this.handle.pid === kill.pid) {
      this.earlyOom = { kill, at: Date.now() };
      return true;
    }
    // A process of the tree (not the leader) was killed: say so; the leader's fate shows by itself.
    this.deps.emit({ kind: 'oom', backend: this.id, reason: `oom-killed ${kill.comm} (pid ${kill.pid}) in ${this.id}'s process tree`, pid: kill.pid, oom: kill });
    return true;
  }

  /** Stop watching (timers, watchers, pidfd) without touching the process: it keeps running for adoption. */
  detach(): void {
    this.disposed = true;
    this.gen++;
    this.clearTimers();
    this.cancelBackoff();
    this.limit.stopWatching();
    if (this.handle) closeHandle(this.handle);
  }

  /** Detach and drop the cgroup (after stop). */
  dispose(): void {
    this.detach();
    void this.limit.release(this.handle !== null);
  }

  /** Queued command count (tests, shutdown). */
  get busy(): boolean {
    return this.queue.size > 0;
  }

  // ---- commands & spawning -------------------------------------------------------

  /** Serialise; a second identical command while one is queued or running is refused. */
  private command(name: string, fn: () => Promise<CommandResult>): Promise<CommandResult> {
    if (this.disposed) return Promise.resolve({ ok: false, message: `${this.id} is no longer supervised` });
    if (this.inflight.has(name)) return Promise.resolve({ ok: false, message: `already ${name === 'stop' ? 'stopping' : name === 'reap' ? 'reaping' : `${name}ing`}` });
    this.inflight.add(name);
    return this.queue
      .run(fn)
      .catch((e: unknown): CommandResult => ({ ok: false, message: (e as Error).message }))
      .finally(() => this.inflight.delete(name));
  }

  private emitCommand(name: string): void {
    this.deps.emit({ kind: 'command', backend: this.id, reason: name, pid: this.handle?.pid ?? null });
  }

  private argvFor(port: number | null): string[] {
    const p = port === null ? '${PORT}' : String(port);
    return this.cfg.cmd.map((a) => a.split('${PORT}').join(p));
  }

  private async choosePort(): Promise<number | null> {
    if (this.cfg.port !== 'auto') return this.cfg.port;
    if (this.port !== null && !this.rechoosePort) return this.port;
    this.rechoosePort = false;
    return pickFreePort();
  }

  /** Spawn now (inside the queue). */
  private async spawn(why: string): Promise<CommandResult> {
    this.cancelBackoff();
    let port: number | null;
    try {
      port = await this.choosePort();
    } catch (e) {
      this.transition('failed', `no free port: ${(e as Error).message}`);
      return { ok: false, message: this.view().reason };
    }
    if (this.disposed) return { ok: false, message: `${this.id} is no longer supervised` };
    const argv = this.argvFor(port);
    const env: Record<string, string | undefined> = { ...process.env, ...this.cfg.env };
    try {
      mkdirSync(path.dirname(this.deps.logPath), { recursive: true });
    } catch {
      // spawn reports the real problem (the log file cannot be opened)
    }
    this.logOffset = fileSize(this.deps.logPath);
    // The cgroup exists (with its limit) before the process does, so it is placed at once.
    this.limit.ensure(this.cfg.memoryLimit);
    this.deps.note?.(`starting: ${argv.join(' ')}`);
    let h: ProcessHandle;
    try {
      h = spawnProcess({
        file: argv[0] ?? '',
        argv,
        env,
        ...(this.cfg.cwd ? { cwd: this.cfg.cwd } : {}),
        stdout: { kind: 'file', path: this.deps.logPath },
      }).handle;
    } catch (e) {
      const reason = e instanceof SpawnError ? `spawn failed: ${e.code} ${e.path}` : `spawn failed: ${(e as Error).message}`;
      this.handle = null;
      this.patch({ pid: null, pgid: null, procState: null, startedAt: null, port, command: argv, nextRestartAt: null });
      this.transition('failed', reason);
      return { ok: false, message: reason };
    }
    this.handle = h;
    this.port = port;
    this.gen++;
    this.failures = 0;
    this.earlyOom = null;
    const startedAt = Date.now();
    this.limit.place(h.pid, this.cfg.memoryLimit);
    this.deps.registry.set({ id: this.id, pid: h.pid, startTime: h.startTime, pgid: h.pgid, port, logPath: this.deps.logPath, command: argv, startedAt });
    this.patch({
      pid: h.pid,
      pgid: h.pgid,
      port,
      startedAt,
      command: argv,
      adopted: false,
      awaitingReap: false,
      nextRestartAt: null,
      healthLatencyMs: null,
      procState: 'running',
    });
    this.latencyAvg = null;
    this.transition('starting', why, h.pid);
    this.watch(this.gen);
    return { ok: true, message: `started pid ${h.pid}${port !== null ? ` on port ${port}` : ''}` };
  }

  /** The cgroup's oom_kill counter rose: record it, unless the kernel log already did. */
  private onCgroupOom(): void {
    const last = this.view().lastExit;
    const pid = this.handle?.pid ?? last?.pid;
    if (pid === undefined) return;
    if (this.recentEarlyOom(pid)) return;
    if (!this.handle && last && last.pid === pid && last.oomKilled) return;
    const kill = this.limit.killRecord(pid, this.commandName());
    this.deps.store.pushOom(kill);
    this.limit.takeRise();
    this.markOomKilled(kill);
  }

  private commandName(): string {
    return path.basename(this.view().command[0] ?? this.id);
  }

  /** After a stop or reap: stop watching the cgroup and remove it (awaited, so a next start cannot race the rmdir). */
  private releaseCgroup(): Promise<void> {
    return this.limit.release(this.handle !== null);
  }

  /** Terminate the live process (group, signal, grace, SIGKILL), record its exit. */
  private async terminateCurrent(reason: string): Promise<ExitInfo> {
    const h = this.handle!;
    this.gen++; // watchers of this process must not treat the exit as a crash
    this.clearTimers();
    this.transition('stopping', reason, h.pid);
    let r: ReapResult | null = null;
    try {
      r = await terminate(h, { signal: this.cfg.stop.signal as NodeJS.Signals, graceMs: this.cfg.stop.graceMs });
    } catch (e) {
      this.deps.emit({ kind: 'system', backend: this.id, reason: `terminate pid ${h.pid} failed: ${(e as Error).message}`, pid: h.pid });
    }
    const exit = this.finishExit(h, r, reason);
    this.patch({ lastExit: exit, awaitingReap: false });
    return exit;
  }

  /** Common bookkeeping after a process is gone: registry, pidfd, OOM classification. */
  private finishExit(h: ProcessHandle, r: ReapResult | null, unreaped: string, keepZombie = false): ExitInfo {
    let exit = exitFromReap(h.pid, r, unreaped);
    // Only a recent notice explains this exit: a cgroup counter that rose
    // because another process of the tree was killed names the leader, who
    // may live on for hours and then stop for another reason.
    const early = this.recentEarlyOom(h.pid);
    const counterRose = this.limit.takeRise();
    if (early) exit = withOom(exit, early, early.source);
    else if (counterRose) {
      const kill = this.limit.killRecord(h.pid, this.commandName());
      this.deps.store.pushOom(kill);
      exit = withOom(exit, kill, 'cgroup memory limit');
    }
    this.earlyOom = null;
    if (!keepZombie) {
      closeHandle(h);
      if (this.handle === h) this.handle = null;
    }
    this.deps.registry.delete(this.id);
    this.deps.emit({ kind: 'exit', backend: this.id, reason: exit.reason, pid: h.pid, exit, oom: exit.oom });
    if (exit.oomKilled) this.deps.emit({ kind: 'oom', backend: this.id, reason: exit.reason, pid: h.pid, exit, oom: exit.oom });
    this.latencyAvg = null;
    this.patch({ pid: keepZombie ? h.pid : null, procState: keepZombie ? probe(h).state : 'gone', healthLatencyMs: null });
    return exit;
  }

  /** The OOM notice for `pid` received before its exit, if recent enough to explain it. */
  private recentEarlyOom(pid: number): OomKill | null {
    const e = this.earlyOom;
    return e && e.kill.pid === pid && Date.now() - e.at < OOM_LATE_MS ? e.kill : null;
  }

  private collectZombie(): ExitInfo {
    const h = this.handle!;
    const r = reap(h);
    const prev = this.view().lastExit;
    let exit = exitFromReap(h.pid, r, prev?.reason ?? 'exit status unavailable');
    if (prev?.oomKilled) exit = withOom(exit, prev.oom, prev.oom?.source ?? 'kernel');
    exit = { ...exit, time: prev?.time ?? exit.time };
    closeHandle(h);
    this.handle = null;
    this.patch({ lastExit: exit, awaitingReap: false, pid: null, procState: 'gone' });
    this.deps.emit({ kind: 'exit', backend: this.id, reason: `reaped: ${exit.reason}`, pid: h.pid, exit });
    this.patch({ reason: `reaped: ${exit.reason}` });
    return exit;
  }

  private amendOom(last: ExitInfo, kill: OomKill, how: string): void {
    const exit = withOom(last, kill, how);
    this.patch({ lastExit: exit, ...(this.status === 'exited' || this.status === 'backoff' || this.status === 'failed' ? { reason: exit.reason } : {}) });
    this.deps.emit({ kind: 'oom', backend: this.id, reason: exit.reason, pid: kill.pid, exit, oom: kill });
  }

  // ---- watching -------------------------------------------------------------------

  private watch(gen: number): void {
    const h = this.handle!;
    this.clearTimers();
    this.unwatch = watchExit(h, () => this.onExit(gen));
    // One shared timer checks every supervised process (see shared-interval.ts).
    const pollMs = this.deps.pollMs ?? 1000;
    this.stopBackstop = everyShared(pollMs, () => {
      // A probe tick checks liveness too: skip when one just did.
      if (performance.now() - this.checkedAt < pollMs / 2) return;
      if (this.gen === gen && this.handle === h && !isRunning(h)) this.onExit(gen);
    });
    this.conn = new ProbeConnection();
    this.startupTimer = setTimeout(() => {
      if (this.gen !== gen) return;
      const s = this.status;
      if (s === 'starting' || s === 'loading') {
        void this.restartUnresponsive(gen, `unresponsive: not ready after ${Math.round(this.cfg.health.startupTimeoutMs / 1000)}s (${s})`);
      }
    }, this.cfg.health.startupTimeoutMs);
    this.startupTimer.unref();
    this.scheduleProbe(gen, 0);
  }

  /**
   * Next probe: after `ms` (start-up, fast), or — at the steady interval —
   * on the timer shared with every other backend of that interval, joined
   * once and left only when the pace changes or the process goes.
   */
  private scheduleProbe(gen: number, ms: number): void {
    if (this.gen !== gen) return;
    const interval = this.cfg.health.intervalMs;
    if (ms === interval && ms > 0) {
      if (this.probeTimer) clearTimeout(this.probeTimer);
      this.probeTimer = null;
      this.stopBeat ??= everyShared(interval, () => {
        if (!this.probing) void this.tick(gen);
      });
      return;
    }
    this.leaveBeat();
    this.probeTimer = setTimeout(() => void this.tick(gen), ms);
    this.probeTimer.unref();
  }

  private leaveBeat(): void {
    this.stopBeat?.();
    this.stopBeat = null;
  }

  private nextProbeDelay(): number {
    const s = this.status;
    const interval = this.cfg.health.intervalMs;
    return s === 'starting' || s === 'loading' ? Math.min(interval, STARTUP_PROBE_MS) : interval;
  }

  private async tick(gen: number): Promise<void> {
    const h = this.handle;
    if (this.gen !== gen || !h) return;
    this.checkedAt = performance.now();
    if (!isRunning(h)) return this.onExit(gen);
    const hc = this.cfg.health;
    const probes = hc.path !== null && this.port !== null;
    // /proc is read only when no good answer vouches for the process: no
    // probe, start-up, or a failing one (a stopped (T) process and a hung one
    // look alike on the wire). Healthy steady ticks skip it: at 50 backends
    // it was an open+read+close per probe.
    const s0 = this.status;
    if (!probes || this.failures > 0 || (s0 !== 'ready' && s0 !== 'loading')) {
      const ps = this.readProcState(h);
      if (ps === 'zombie' || ps === 'gone') return this.exitingSeen(gen, h);
      if (ps === 'stopped') {
        this.failure(gen, STOPPED, true);
        return this.scheduleProbe(gen, this.nextProbeDelay());
      }
    }
    if (!probes) {
      if (this.status !== 'ready') this.transition('ready', hc.path === null ? 'process running (no health check)' : 'process running (no port to probe)', h.pid);
      this.failures = 0;
      return this.scheduleProbe(gen, hc.intervalMs);
    }
    this.probing = true;
    let r;
    try {
      r = await probeHealth({ port: this.port!, path: hc.path!, timeoutMs: hc.timeoutMs, ...(this.conn ? { conn: this.conn } : {}) });
    } finally {
      this.probing = false;
    }
    if (this.gen !== gen) return;
    const s = this.status;
    if (r.outcome === 'ready') {
      this.failures = 0;
      this.noteLatency(r.latencyMs, s !== 'ready');
      if (s !== 'ready') this.transition('ready', `health ${hc.path}: 200 in ${r.latencyMs} ms`, h.pid);
    } else if (r.outcome === 'loading') {
      this.failures = 0;
      this.noteLatency(r.latencyMs, s !== 'loading');
      if (s !== 'loading') this.transition('loading', `health ${hc.path}: 503 (loading)`, h.pid);
    } else if (r.outcome === 'refused' && s === 'starting') {
      // not listening yet: the startup timeout decides when that is too long
    } else {
      // A stopped process explains a failed probe better than its timeout does.
      const ps = this.readProcState(h);
      if (ps === 'zombie' || ps === 'gone') return this.exitingSeen(gen, h);
      if (ps === 'stopped') this.failure(gen, STOPPED, true);
      else this.failure(gen, `health ${hc.path}: ${r.detail}`, false);
    }
    this.scheduleProbe(gen, this.nextProbeDelay());
  }

  /**
   * /proc shows the leader as a zombie (or gone). For our child that can come
   * before the exit is collectable: the leader of a multi-threaded process is
   * Z while its other threads still finish, and a reap then would find it
   * "running" and lose the exit code. So only waitid's answer (isRunning)
   * ends it; otherwise the exit watcher fires in a moment, and the tick waits.
   */
  private exitingSeen(gen: number, h: ProcessHandle): void {
    if (!isRunning(h)) return this.onExit(gen);
    this.scheduleProbe(gen, Math.min(this.nextProbeDelay(), STARTUP_PROBE_MS));
  }

  /** /proc state of the process, published when its class changes. */
  private readProcState(h: ProcessHandle): ProcState {
    const ps = probe(h).state;
    // running ⇄ sleeping flips on every request a server answers: not news worth a snapshot.
    if (procClass(ps) !== procClass(this.view().procState)) this.patch({ procState: ps });
    return ps;
  }

  /** Fold a probe's latency into the smoothed figure; store that when it is news (moved noticeably, or a transition follows). */
  private noteLatency(ms: number, force: boolean): void {
    const avg = this.latencyAvg === null ? ms : this.latencyAvg + LATENCY_SMOOTHING * (ms - this.latencyAvg);
    this.latencyAvg = avg;
    const shown = Math.round(avg * 10) / 10;
    const prev = this.view().healthLatencyMs;
    const moved = prev === null || Math.abs(shown - prev) >= Math.max(LATENCY_MIN_DELTA_MS, prev * LATENCY_MIN_DELTA_RATIO);
    if ((force || moved) && shown !== prev) this.patch({ healthLatencyMs: shown });
  }

  private failure(gen: number, detail: string, immediate: boolean): void {
    this.failures++;
    const hc = this.cfg.health;
    const pid = this.handle?.pid ?? null;
    if (this.failures >= hc.restartAfter) {
      void this.restartUnresponsive(gen, `unresponsive: ${detail} (${this.failures} failed probes)`);
      return;
    }
    const s = this.status;
    if ((immediate || this.failures >= hc.unhealthyAfter) && s !== 'unhealthy' && s !== 'starting') {
      this.transition('unhealthy', `${detail} (${this.failures} failed probe${this.failures > 1 ? 's' : ''})`, pid);
    } else if (immediate && s === 'starting') {
      this.transition('unhealthy', detail, pid);
    }
  }

  /** Policy restart of a live but unresponsive process: terminate the group, spawn again. */
  private restartUnresponsive(gen: number, reason: string): Promise<unknown> {
    this.clearTimers();
    return this.queue.run(async () => {
      if (this.gen !== gen || !this.handle) return;
      await this.terminateCurrent(reason);
      if (this.limiter.exceeded()) {
        this.transition('failed', `${this.limiter.describe()} (last: ${reason})`);
        return;
      }
      this.limiter.record();
      this.patch({ restarts: this.view().restarts + 1 });
      await this.spawn(`restart: ${reason}`);
    });
  }

  /** The watched process exited on its own (crash, kill -9, OOM …). */
  private onExit(gen: number): void {
    const h = this.handle;
    if (this.gen !== gen || !h) return;
    this.gen++;
    this.clearTimers();
    const policy = this.cfg.restart.policy;
    const from = this.status;
    let exit: ExitInfo;
    if (policy === 'never' && h.isChild) {
      // Leave the zombie so the user sees it and collects the real status with reap.
      exit = this.finishExit(h, null, 'exited; zombie awaiting reap (restart policy: never)', true);
      this.patch({ lastExit: exit, awaitingReap: true });
    } else {
      let r: ReapResult | null = null;
      try {
        r = reap(h);
      } catch (e) {
        this.deps.emit({ kind: 'system', backend: this.id, reason: `reap pid ${h.pid} failed: ${(e as Error).message}`, pid: h.pid });
      }
      exit = this.finishExit(h, r, h.isChild ? 'exited (status not collected)' : 'exited (adopted: exit status collected by its parent)');
      this.patch({ lastExit: exit, awaitingReap: false, pid: null });
    }
    this.checkPortInUse();
    this.transition('exited', exit.reason, h.pid, from);
    if (!wantsRestart(policy, exit)) return;
    if (this.limiter.exceeded()) {
      this.transition('failed', `${this.limiter.describe()} (last: ${exit.reason})`, h.pid);
      return;
    }
    const delay = backoffDelay(this.limiter.recent(), this.cfg.restart.backoff);
    this.limiter.record();
    const at = Date.now() + delay;
    this.patch({ nextRestartAt: at, restarts: this.view().restarts + 1 });
    this.transition('backoff', `restart in ${delay} ms after: ${exit.reason}`);
    const g = this.gen;
    const fire = (): void => {
      this.backoffTimer = null;
      void this.queue.run(async () => {
        if (this.gen !== g || this.status !== 'backoff' || this.disposed) return;
        await this.spawn(`restart after: ${exit.reason}`);
      });
    };
    // Backoff 0: no timer turn, the replacement is spawned right away.
    if (delay === 0) fire();
    else this.backoffTimer = setTimeout(fire, delay);
  }

  /** After an exit: did the child say its port was taken? Then pick another next time (port: auto). */
  private checkPortInUse(): void {
    const tail = readFrom(this.deps.logPath, this.logOffset, 64 * 1024);
    if (!PORT_IN_USE.test(tail)) return;
    if (this.cfg.port === 'auto') {
      this.rechoosePort = true;
      this.deps.emit({ kind: 'system', backend: this.id, reason: `port ${this.port} was in use; a new port is chosen for the next start` });
    } else {
      this.deps.emit({ kind: 'system', backend: this.id, reason: `port ${this.cfg.port} is in use by another process (fixed in config)` });
    }
  }

  private cancelBackoff(): void {
    if (this.backoffTimer) clearTimeout(this.backoffTimer);
    this.backoffTimer = null;
    if (this.view().nextRestartAt !== null) this.patch({ nextRestartAt: null });
    if (this.status === 'backoff') this.gen++; // a queued restart must not run
  }

  private clearTimers(): void {
    this.unwatch?.();
    this.unwatch = null;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    if (this.startupTimer) clearTimeout(this.startupTimer);
    this.probeTimer = this.startupTimer = null;
    this.stopBackstop?.();
    this.stopBackstop = null;
    this.leaveBeat();
    // Pooled probe connections belong to this process: none may reach a successor on the same port.
    this.conn?.destroy();
    this.conn = null;
  }

  // ---- state ----------------------------------------------------------------------

  private transition(to: BackendStatus, reason: string, pid: number | null = this.handle?.pid ?? null, fromOverride?: BackendStatus): void {
    const from = fromOverride ?? this.status;
    this.patch({ status: to, reason, since: Date.now(), ...(to === 'backoff' ? {} : { nextRestartAt: null }) });
    this.deps.emit({ kind: 'transition', backend: this.id, from, to, reason, pid });
  }

  private patch(p: Partial<BackendView>): void {
    this.deps.store.setBackend(this.id, p);
  }

  private initialView(): BackendView {
    const c = this.cfg;
    return {
      id: c.id,
      name: c.name ?? c.id,
      status: 'stopped',
      reason: 'not started',
      since: Date.now(),
      pid: null,
      pgid: null,
      procState: null,
      startedAt: null,
      port: c.port === 'auto' ? null : c.port,
      adopted: false,
      restarts: 0,
      lastExit: null,
      awaitingReap: false,
      healthLatencyMs: null,
      nextRestartAt: null,
      memory: null,
      memoryLimit: c.memoryLimit,
      cgroup: null,
      command: this.argvFor(c.port === 'auto' ? null : c.port),
      restartPolicy: c.restart.policy,
    };
  }
}

/** running, sleeping and disk-sleep are one class: alive (see ProcState). */
function procClass(s: ProcState | null): string | null {
  return s === 'running' || s === 'sleeping' || s === 'disk-sleep' ? 'alive' : s;
}

function fileSize(p: string): number {
  try {
    return statSync(p).size;
  } catch {
    return 0;
  }
}

/** Up to `max` bytes of a file from `offset` (the newest ones when there are more). */
function readFrom(p: string, offset: number, max: number): string {
  let fd: number;
  try {
    fd = openSync(p, 'r');
  } catch {
    return '';
  }
  try {
    const size = fileSize(p);
    // The log may have been rotated (copy-truncate) since the spawn: then read from the start.
    const start = Math.max(offset > size ? 0 : offset, size - max);
    const len = Math.max(0, size - start);
    const buf = Buffer.alloc(len);
    const n = readSync(fd, buf, 0, len, start);
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
