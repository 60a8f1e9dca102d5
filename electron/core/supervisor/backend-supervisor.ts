// One backend's supervisor: the commands (start, stop, restart, reap),
// adoption, OOM notices and the read side the rest of the core uses. The
// lifecycle itself is driven by ProcessDriver (process-driver.ts). Commands
// run one at a time through the backend's queue, each guarded by the
// command-by-state rule of electron/common/commands.ts at the moment it runs.
import { adoptProcess, type ProcessHandle } from '../../../native-bindings/process.js';
import type { CommandResult } from '../../common/api.js';
import { commandRefusal, type BackendCommand } from '../../common/commands.js';
import type { BackendView, MemoryBreakdown, OomKill, ShedInfo } from '../../common/state.js';
import { ProcessDriver } from './process-driver.js';
import type { RunningRecord } from './running-registry.js';
import { killPriority, substitute } from './spawn-backend.js';
import { LIVE_STATUSES as LIVE } from './state-machine.js';
import type { SupervisedBackendConfig } from './types.js';

export type { SupervisorDeps } from './types.js';

export class BackendSupervisor extends ProcessDriver {
  get config(): SupervisedBackendConfig {
    return this.cfg;
  }

  /** The supervisor's own record of the backend (a copy). */
  snapshot(): BackendView {
    return this.rec.snapshot();
  }

  /** The live process (or the zombie awaiting reap), if any: for memory sampling and OOM attribution. */
  get process(): ProcessHandle | null {
    return this.handle;
  }

  /** The pid whose memory is sampled: the live process's; none for a zombie awaiting reap (a dead process has no memory). */
  get livePid(): number | null {
    return this.handle && !this.rec.state.awaitingReap ? this.handle.pid : null;
  }

  get cgroupPath(): string | null {
    return this.limit.path;
  }

  /** Bytes charged to the memory-limit cgroup now; null without one or when unreadable (never throws: read per sampler tick). */
  cgroupUsage(): number | null {
    return this.limit.usage();
  }

  /** The memory-limit cgroup's highest charge during the current process; null without one or when unknown. */
  cgroupPeak(): number | null {
    return this.limit.peak();
  }

  /** Replace the config (the caller restarts when it matters). */
  setConfig(cfg: SupervisedBackendConfig): void {
    const adjBefore = this.cfg.oom?.scoreAdj;
    this.cfg = cfg;
    // A new kill priority applies to the running process at once (no restart needed).
    const pid = this.livePid;
    if (pid !== null && cfg.oom?.scoreAdj !== adjBefore) {
      this.rec.publish({ oomScoreAdj: killPriority(cfg, pid, (why) => void this.deps.emit({ kind: 'system', backend: this.id, reason: why, pid })) });
    }
    this.limiter.setLimit(cfg.restart.limit);
    this.ports.setConfigured(cfg.port);
    this.rec.publish({ name: cfg.name ?? cfg.id, command: substitute(cfg.cmd, { port: this.ports.port }), restartPolicy: cfg.restart.policy, memoryLimit: cfg.memoryLimit });
  }

  /** The sampler's last figure of the live process tree; null after an exit. */
  get memory(): MemoryBreakdown | null {
    return this.rec.shownMemory;
  }

  setMemory(memory: MemoryBreakdown | null): void {
    this.rec.setMemory(memory);
  }

  /** `anyway`: the pre-start checks report but do not refuse (the dashboard's "Start anyway"), for this start only. */
  start(opts: { anyway?: boolean } = {}): Promise<CommandResult> {
    return this.command('start', async () => {
      if (this.rec.state.awaitingReap) this.collectZombie();
      this.limiter.reset();
      this.rec.publish({ restarts: 0, shed: null });
      return opts.anyway ? this.spawn('started by user (anyway)', true) : this.spawn('started by user');
    });
  }

  stop(): Promise<CommandResult> {
    return this.command('stop', async () => {
      const s = this.status;
      if (s === 'backoff') {
        this.transition('stopped', 'stopped by user (pending restart cancelled)');
        await this.releaseCgroup();
        return { ok: true, message: 'pending restart cancelled' };
      }
      if (!LIVE.includes(s) || !this.handle) {
        // exited or failed: collect a zombie so none is left behind, then rest.
        if (this.rec.state.awaitingReap) this.collectZombie();
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

  /**
   * The pressure guard's stop: the backend's own stop sequence (signal or
   * stop.cmd, grace, then SIGKILL), ending in `stopped` like a user's stop,
   * so no restart policy applies; the record says why until a user starts
   * it. `argv`: start it again at once with these arguments (the fit
   * advice's smaller option, `oom.onPressure: restart-smaller`).
   */
  shed(info: ShedInfo, argv: string[] | null = null): Promise<CommandResult> {
    const why = `shed by Vigil: ${info.reason}`;
    return this.command(
      'stop',
      async () => {
        if (!LIVE.includes(this.status) || !this.handle) return { ok: false, message: `not running (${this.status})` };
        const exit = await this.terminateCurrent(why);
        this.transition('stopped', why, exit.pid);
        this.rec.publish({ shed: info });
        if (!argv) {
          await this.releaseCgroup();
          return { ok: true, message: `${why} (${exit.reason})` };
        }
        const own = this.cfg;
        this.cfg = { ...own, cmd: argv };
        try {
          return await this.spawn(`restarted smaller by Vigil after memory pressure: ${argv.join(' ')}`);
        } finally {
          this.cfg = own;
        }
      },
      'stop (shed by the pressure guard)',
    );
  }

  restart(): Promise<CommandResult> {
    return this.command('restart', async () => {
      if (this.handle && LIVE.includes(this.status)) await this.terminateCurrent('restart requested by user');
      else if (this.rec.state.awaitingReap) this.collectZombie();
      this.limiter.reset();
      this.rec.publish({ restarts: 0, shed: null });
      return this.spawn('restarted by user');
    });
  }

  reap(): Promise<CommandResult> {
    return this.command('reap', async () => {
      if (!this.handle) return { ok: false, message: 'no exited child to reap' };
      const exit = this.collectZombie();
      // Nothing of this backend runs now; a later start makes a fresh cgroup.
      if (!LIVE.includes(this.status) && this.status !== 'backoff') await this.releaseCgroup();
      return { ok: true, message: `reaped pid ${exit.pid}: ${exit.reason}`, exit };
    });
  }

  /**
   * Take over a process an earlier Vigil started (running.json). False when
   * the pid no longer carries the recorded start time (gone or reused), or
   * when this backend already runs a process.
   */
  adopt(rec: RunningRecord): Promise<boolean> {
    return this.queue.run(async () => {
      if (this.handle || LIVE.includes(this.status)) return false;
      const h = adoptProcess(rec.pid, rec.startTime);
      if (!h) return false;
      this.handle = h;
      this.ports.use(rec.port);
      this.gen++;
      this.deps.registry.set(rec);
      const oomScoreAdj = killPriority(this.cfg, h.pid, (why) => void this.deps.emit({ kind: 'system', backend: this.id, reason: why, pid: h.pid }));
      this.rec.publish({ pid: h.pid, pgid: h.pgid, port: rec.port, adopted: true, startedAt: rec.startedAt ?? null, command: rec.command, lastExit: null, awaitingReap: false, oomScoreAdj });
      this.transition('starting', `adopted running process ${h.pid} from a previous Vigil`, h.pid);
      return true;
    });
  }

  /** The kernel (or a cgroup counter) says the OOM killer took `kill.pid`; either order of kill and exit is handled (oom-correlation.ts). */
  markOomKilled(kill: OomKill): boolean {
    this.exits.oomNotice(kill, this.handle?.pid ?? null);
    return true;
  }

  /** Stop watching (timers, watchers, pidfd) without touching the process: it keeps running for adoption. */
  detach(): void {
    this.letGo();
  }

  /** Detach and drop the cgroup (after stop). */
  dispose(): void {
    this.letGo();
    void this.limit.release(this.handle !== null);
  }

  /** Removed from the config (after stop): disposed, and its observers forget it. */
  retire(): void {
    this.dispose();
    for (const o of this.deps.observers ?? []) o.removed?.(this.context);
  }

  /** Serialised; refused by the command-by-state rule when it runs; the command event is emitted once accepted. */
  private command(name: BackendCommand, fn: () => Promise<CommandResult>, said: string = name): Promise<CommandResult> {
    if (this.disposed) return Promise.resolve({ ok: false, message: `${this.id} is no longer supervised` });
    return this.queue.command(name, async () => {
      const refusal = commandRefusal(name, this.rec.state);
      if (refusal !== null) return { ok: false, message: refusal };
      this.deps.emit({ kind: 'command', backend: this.id, reason: said, pid: this.handle?.pid ?? null });
      return fn();
    });
  }
}
