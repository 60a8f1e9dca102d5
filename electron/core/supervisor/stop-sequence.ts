// Stopping one process: ask it to go (the stop signal to its group, or the
// configured stop command), SIGKILL the group when the grace is over, and —
// once the leader has exited, while its pgid is still pinned by the unreaped
// zombie — kill stragglers and reap. The grace and the kill wait are timers
// of the `stopping` state: the supervisor arms them on entering it and calls
// escalate() / abandon() when they fire.
import { closeHandle, isRunning, reap, sendSignal, spawnProcess, watchExit, type ProcessHandle, type ReapResult } from '../../../native-bindings/process.js';
import { backendEnv, substitute } from './spawn-backend.js';
import { exitFromWait } from './exit-info.js';
import type { SupervisedBackendConfig } from './types.js';

/** After SIGKILL only uninterruptible sleep can delay the exit; the wait for it is bounded. */
export const KILL_WAIT_MS = 10_000;
/** A stop command still running once the backend is gone gets this long before SIGKILL. */
const HELPER_GRACE_MS = 1000;

export interface StopDeps {
  logPath: string;
  /** Writes a Vigil line into the backend's log. */
  note?: ((text: string) => void) | undefined;
  /** Something the user should know (an event): a failed signal, a stop command that failed. */
  report: (reason: string) => void;
}

export class StopSequence {
  /** Settles when the leader exited, or when the wait was abandoned. */
  readonly gone: Promise<void>;
  private settle!: () => void;
  private readonly unwatch: () => void;
  private done = false;

  constructor(
    private readonly h: ProcessHandle,
    private readonly cfg: SupervisedBackendConfig,
    private readonly port: number | null,
    private readonly d: StopDeps,
  ) {
    this.gone = new Promise((resolve) => (this.settle = resolve));
    this.unwatch = watchExit(h, () => this.settle());
  }

  /** Ask the process to stop: the stop command when configured (the signal if it cannot start), else the stop signal. */
  request(): void {
    const cmd = this.cfg.stop.cmd;
    if (cmd && cmd.length > 0 && this.runStopCommand(cmd)) return;
    this.signal(this.cfg.stop.signal);
  }

  /** The grace is over: SIGKILL the group. False when the process is already gone (nothing to wait for). */
  escalate(): boolean {
    if (this.done) return false;
    this.signal('SIGKILL');
    return true;
  }

  /** Give up waiting for the exit (it will show as not collected). */
  abandon(): void {
    this.settle();
  }

  /** After `gone`: stragglers of the group get SIGKILL, the leader is reaped (null when that failed: reported). */
  finish(): ReapResult | null {
    this.done = true;
    this.unwatch();
    try {
      sendSignal(this.h, 'SIGKILL', { group: true });
    } catch {
      // e.g. EPERM from a member that changed uid: still reap the leader below.
    }
    try {
      return reap(this.h);
    } catch (e) {
      this.d.report(`reap pid ${this.h.pid} failed: ${(e as Error).message}`);
      return null;
    }
  }

  private signal(sig: string): void {
    try {
      if (!sendSignal(this.h, sig as NodeJS.Signals, { group: true })) sendSignal(this.h, sig as NodeJS.Signals);
    } catch (e) {
      this.d.report(`${sig} to pid ${this.h.pid} failed: ${(e as Error).message}`);
    }
  }

  /** Spawn the stop command (no shell; `${PID}`, `${PORT}` filled in). False when it cannot be started. */
  private runStopCommand(cmd: readonly string[]): boolean {
    const argv = substitute(cmd, { pid: this.h.pid, port: this.port });
    let helper: ProcessHandle;
    try {
      helper = spawnProcess({
        file: argv[0] ?? '',
        argv,
        env: backendEnv(this.cfg),
        ...(this.cfg.cwd ? { cwd: this.cfg.cwd } : {}),
        stdout: { kind: 'file', path: this.d.logPath },
      }).handle;
    } catch (e) {
      this.d.report(`stop command could not be started (${(e as Error).message}); sending ${this.cfg.stop.signal} instead`);
      return false;
    }
    this.d.note?.(`stopping: ${argv.join(' ')}`);
    let killTimer: NodeJS.Timeout | null = null;
    watchExit(helper, () => {
      if (killTimer) clearTimeout(killTimer);
      let reason: string;
      try {
        const exit = exitFromWait(helper.pid, reap(helper), 'exit status not collected');
        reason = exit.code === 0 ? '' : exit.reason;
      } catch (e) {
        reason = `could not be reaped: ${(e as Error).message}`;
      }
      closeHandle(helper);
      if (reason) this.d.report(`stop command ${argv[0]} ${reason}`);
    });
    // Bounded: a stop command still running after the backend is gone is stopped too.
    void this.gone.then(() => {
      if (!isRunning(helper)) return;
      const kill = (sig: NodeJS.Signals): void => {
        try {
          sendSignal(helper, sig, { group: true });
        } catch {
          // gone meanwhile, or not ours to signal: its exit watcher still reaps it
        }
      };
      kill('SIGTERM');
      killTimer = setTimeout(() => kill('SIGKILL'), HELPER_GRACE_MS);
      killTimer.unref();
    });
    return true;
  }
}
