// Watching one live backend process: its exit (pidfd or SIGCHLD, with a
// shared isRunning backstop), its /proc state, and its HTTP health — fast
// probes while it comes up, then one beat shared with every backend of the
// same interval. It reaches verdicts; the supervisor turns them into
// transitions. Its I/O is injected, so it is tested without processes.
import { isRunning, probe, watchExit, type ProcessHandle } from '../../../native-bindings/process.js';
import type { BackendStatus, ProcState } from '../../common/state.js';
import type { Logger } from '../diagnostics.js';
import { ProbeConnection, probeHealth, type HealthResult, type ProbeTarget } from '../health/http-probe.js';
import { everyShared } from '../shared-interval.js';
import { LatencySmoother } from './latency.js';
import type { TickWork } from './seams.js';
import type { SupervisedBackendConfig } from './types.js';

/** Probe pace while the backend comes up, so `ready` shows promptly. */
export const STARTUP_PROBE_MS = 250;
const STOPPED = 'process is stopped (T)';

export interface HealthIo {
  isRunning(h: ProcessHandle): boolean;
  procState(h: ProcessHandle): ProcState;
  watchExit(h: ProcessHandle, cb: () => void): () => void;
  probeHealth(target: ProbeTarget): Promise<HealthResult>;
  /** Run a job every `ms` on a timer shared with other jobs of that period. */
  every(ms: number, job: () => void): () => void;
}

const realHealthIo: HealthIo = {
  isRunning,
  procState: (h) => probe(h).state,
  watchExit,
  probeHealth,
  every: everyShared,
};

/** What the monitor tells its supervisor. */
export interface HealthHost {
  status(): BackendStatus;
  /** waitid says the process exited: the exit path takes over (and stops the monitor). */
  exited(): void;
  become(to: 'ready' | 'loading' | 'unhealthy', reason: string): void;
  /** The process lives but fails too long; the monitor has stopped itself. */
  unresponsive(reason: string): void;
  procState(ps: ProcState): void;
  /** The smoothed latency to show, when it moved enough to be news; null: none (the probes stopped answering). */
  latency(ms: number | null): void;
  shownLatency(): number | null;
}

export interface WatchTarget {
  handle: ProcessHandle;
  port: number | null;
  /** Read on every tick: a config change applies to the running process. */
  health(): SupervisedBackendConfig['health'];
  /** isRunning backstop period, ms. */
  pollMs: number;
  extras: readonly TickWork[];
}

export class HealthMonitor {
  /** Bumped on every start and stop: a callback of an earlier run does nothing. */
  private run = 0;
  private t: WatchTarget | null = null;
  private failures = 0;
  private probing = false;
  /** When a tick last checked liveness (performance.now()). */
  private checkedAt = 0;
  private conn: ProbeConnection | null = null;
  private unwatch: (() => void) | null = null;
  private stopBackstop: (() => void) | null = null;
  private probeTimer: NodeJS.Timeout | null = null;
  /** Registration on the shared steady-state beat, while on it. */
  private stopBeat: (() => void) | null = null;
  private readonly latency = new LatencySmoother();
  /** A tick that throws is a fault in Vigil: logged, and the process stays watched by its exit watcher. */
  private readonly fault = (e: unknown): void => this.log.error('health tick failed', e);

  constructor(
    private readonly host: HealthHost,
    private readonly log: Logger,
    private readonly io: HealthIo = realHealthIo,
  ) {}

  /** Watch a process that just started (or was adopted). */
  start(t: WatchTarget): void {
    this.stop();
    const run = this.run;
    this.t = t;
    this.failures = 0;
    this.latency.reset();
    this.unwatch = this.io.watchExit(t.handle, () => {
      if (this.run === run) this.host.exited();
    });
    this.stopBackstop = this.io.every(t.pollMs, () => {
      // A probe tick checks liveness too: skip when one just did.
      if (performance.now() - this.checkedAt < t.pollMs / 2) return;
      if (this.run === run && !this.io.isRunning(t.handle)) this.host.exited();
    });
    this.conn = new ProbeConnection();
    this.schedule(run, 0);
  }

  /** Stop every watcher and timer of the current process. */
  stop(): void {
    this.run++;
    this.unwatch?.();
    this.stopBackstop?.();
    this.stopBeat?.();
    this.unwatch = this.stopBackstop = this.stopBeat = null;
    if (this.probeTimer) clearTimeout(this.probeTimer);
    this.probeTimer = null;
    // Pooled probe connections belong to this process: none may reach a successor on the same port.
    this.conn?.destroy();
    this.conn = null;
    if (this.t) for (const w of this.t.extras) w.reset?.();
    this.t = null;
    this.probing = false;
  }

  /**
   * Next tick: after `ms` (start-up, fast), or — at the steady interval —
   * on the beat shared with every other backend of that interval, joined
   * once and left only when the pace changes or the process goes.
   */
  private schedule(run: number, ms: number): void {
    if (this.run !== run || !this.t) return;
    const interval = this.t.health().intervalMs;
    if (ms === interval && ms > 0) {
      if (this.probeTimer) clearTimeout(this.probeTimer);
      this.probeTimer = null;
      this.stopBeat ??= this.io.every(interval, () => {
        if (!this.probing) this.tick(run).catch(this.fault);
      });
      return;
    }
    this.stopBeat?.();
    this.stopBeat = null;
    this.probeTimer = setTimeout(() => this.tick(run).catch(this.fault), ms);
    this.probeTimer.unref();
  }

  private nextDelay(interval: number): number {
    const s = this.host.status();
    return s === 'starting' || s === 'loading' ? Math.min(interval, STARTUP_PROBE_MS) : interval;
  }

  private async tick(run: number): Promise<void> {
    const t = this.t;
    if (this.run !== run || !t) return;
    const h = t.handle;
    this.checkedAt = performance.now();
    if (!this.io.isRunning(h)) return this.host.exited();
    const hc = t.health();
    const probes = hc.path !== null && t.port !== null;
    // /proc is read only when no good answer vouches for the process: no
    // probe, start-up, or a failing one (a stopped (T) process and a hung one
    // look alike on the wire). Healthy steady ticks skip the file read.
    const s0 = this.host.status();
    if (!probes || this.failures > 0 || (s0 !== 'ready' && s0 !== 'loading')) {
      const ps = this.readProcState(h);
      if (ps === 'zombie' || ps === 'gone') return this.exitingSeen(run, h, hc.intervalMs);
      if (ps === 'stopped') {
        this.failure(STOPPED, true);
        return this.schedule(run, this.nextDelay(hc.intervalMs));
      }
    }
    let r: HealthResult | null = null;
    if (probes) {
      this.probing = true;
      try {
        r = await this.io.probeHealth({ port: t.port!, path: hc.path!, timeoutMs: hc.timeoutMs, ...(this.conn ? { conn: this.conn } : {}) });
      } finally {
        this.probing = false;
      }
      if (this.run !== run) return;
    }
    // The backend vouches for itself (200, or a running process without a probe): tick work may still object.
    const extraFailure = (!r || r.outcome === 'ready') && t.extras.length > 0 ? await this.extrasSay(run, t) : null;
    if (this.run !== run) return;
    const s = this.host.status();
    if (extraFailure !== null) {
      this.failure(extraFailure, false);
    } else if (!r) {
      if (s !== 'ready') this.host.become('ready', hc.path === null ? 'process running (no health check)' : 'process running (no port to probe)');
      this.failures = 0;
      return this.schedule(run, hc.intervalMs);
    } else if (r.outcome === 'ready') {
      this.failures = 0;
      this.noteLatency(r.latencyMs, s !== 'ready');
      // No latency in the reason: it stays on the card beside the live figure it would contradict.
      if (s !== 'ready') this.host.become('ready', `health ${hc.path}: 200`);
    } else if (r.outcome === 'loading') {
      this.failures = 0;
      this.noteLatency(r.latencyMs, s !== 'loading');
      if (s !== 'loading') this.host.become('loading', `health ${hc.path}: 503 (loading)`);
    } else if (r.outcome === 'refused' && s === 'starting') {
      // not listening yet: the startup timeout decides when that is too long
    } else {
      // A stopped process explains a failed probe better than its timeout does.
      const ps = this.readProcState(h);
      if (ps === 'zombie' || ps === 'gone') return this.exitingSeen(run, h, hc.intervalMs);
      if (ps === 'stopped') this.failure(STOPPED, true);
      else this.failure(`health ${hc.path}: ${r.detail}`, false);
    }
    this.schedule(run, this.nextDelay(hc.intervalMs));
  }

  /** The tick work's verdict: the first failure detail, or null. A throwing one is a fault, logged, not a failure. */
  private async extrasSay(run: number, t: WatchTarget): Promise<string | null> {
    this.probing = true;
    try {
      for (const w of t.extras) {
        let said: string | null;
        try {
          said = await w.tick({ pid: t.handle.pid, port: t.port, status: this.host.status() });
        } catch (e) {
          this.log.error(`tick work for pid ${t.handle.pid} threw`, e);
          said = null;
        }
        if (this.run !== run) return null;
        if (said !== null) return said;
      }
      return null;
    } finally {
      if (this.run === run) this.probing = false;
    }
  }

  /**
   * /proc shows the leader as a zombie (or gone). For our child that can come
   * before the exit is collectable: the leader of a multi-threaded process is
   * Z while its other threads still finish, and a reap then would find it
   * "running" and lose the exit code. So only waitid's answer (isRunning)
   * ends it; otherwise the exit watcher fires in a moment, and the tick waits.
   */
  private exitingSeen(run: number, h: ProcessHandle, interval: number): void {
    if (!this.io.isRunning(h)) return this.host.exited();
    this.schedule(run, Math.min(this.nextDelay(interval), STARTUP_PROBE_MS));
  }

  private readProcState(h: ProcessHandle): ProcState {
    const ps = this.io.procState(h);
    this.host.procState(ps);
    return ps;
  }

  private noteLatency(ms: number, force: boolean): void {
    const shown = this.latency.fold(ms, this.host.shownLatency(), force);
    if (shown !== null) this.host.latency(shown);
  }

  private failure(detail: string, immediate: boolean): void {
    const n = ++this.failures;
    const hc = this.t!.health();
    if (n >= hc.restartAfter) {
      this.stop();
      this.host.unresponsive(`unresponsive: ${detail} (${n} failed probes)`);
      return;
    }
    const s = this.host.status();
    if ((immediate || n >= hc.unhealthyAfter) && s !== 'unhealthy' && s !== 'starting') {
      this.noAnswer();
      this.host.become('unhealthy', `${detail} (${n} failed probe${n > 1 ? 's' : ''})`);
    } else if (immediate && s === 'starting') {
      this.noAnswer();
      this.host.become('unhealthy', detail);
    }
  }

  /** An unhealthy backend answers nothing: the last latency shown is not its latency now. */
  private noAnswer(): void {
    this.latency.reset();
    if (this.host.shownLatency() !== null) this.host.latency(null);
  }
}
