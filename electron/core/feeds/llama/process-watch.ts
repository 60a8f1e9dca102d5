// What Vigil watches of one llama-server process: its log as it grows (from
// where this process started writing), its API at the health probe's pace,
// the opt-in generation probe, and on exit the death reason. One LlamaView
// per process, published into the backend's state when it changed, at most
// every PUBLISH_MS (a load writes many lines; each publish is a snapshot
// pushed to every window).
import type { LlamaDeathReason, LlamaView } from '../../../common/llama.js';
import { LlamaMonitor } from '../../llama/monitor.js';
import type { TickContext, TickProcess, TickWork } from '../../supervisor/seams.js';
import type { SupervisedBackendConfig } from '../../supervisor/types.js';
import { apiKeyOf } from './llama-backend.js';
import { ProcessLogFollower, type TailedLog } from './log-follower.js';

export const PUBLISH_MS = 100;

/** The death reason of a backend's last process that gave one, kept across restarts so it stays beside that exit. */
export interface LastDeath {
  pid: number;
  reason: LlamaDeathReason;
}

export interface ProcessWatchDeps {
  log: TailedLog;
  publish(view: LlamaView): void;
  /** The backend's config now (a config edit of health.generate applies to the running server). */
  config(): SupervisedBackendConfig;
  lastDeath: LastDeath | null;
}

export class LlamaProcessWatch implements TickWork {
  private readonly monitor: LlamaMonitor;
  private readonly follower: ProcessLogFollower;
  private view: LlamaView | null = null;
  private timer: NodeJS.Timeout | null = null;
  private dirty = false;
  /** The last finished generation probe's failure; it stands until one succeeds. */
  private probeFailure: string | null = null;
  private lastDeath: LastDeath | null;
  private ended = false;

  constructor(
    cfg: SupervisedBackendConfig,
    private readonly proc: TickProcess,
    private readonly deps: ProcessWatchDeps,
  ) {
    this.lastDeath = deps.lastDeath;
    this.monitor = new LlamaMonitor({
      port: proc.port ?? 0,
      apiKey: apiKeyOf(cfg),
      readTimeoutMs: cfg.health.timeoutMs,
      generate: cfg.health.generate ?? null,
      onUpdate: (v) => this.update(v),
      onProbe: (p) => {
        if (p.outcome === 'ok') this.probeFailure = null;
        else if (p.outcome === 'failed') this.probeFailure = p.detail;
      },
    });
    // The previous process's view goes at once: a fresh start shows nothing stale.
    this.update(this.monitor.view());
    this.flush();
    this.follower = new ProcessLogFollower(deps.log, proc.logOffset, (text) => this.monitor.feedLog(text));
    this.follower.start();
  }

  get pid(): number {
    return this.proc.pid;
  }

  /** The death reason kept for the backend: this process's, once it gave one. */
  get death(): LastDeath | null {
    return this.lastDeath;
  }

  /**
   * At the probe's pace, when /health passed (or, without a health check, the
   * process runs). The API is read when the server serves; a failed
   * generation probe counts as a failed probe on every tick until one passes.
   */
  async tick(ctx: TickContext): Promise<string | null> {
    if (this.ended || this.proc.port === null) return null;
    const cfg = this.deps.config();
    this.monitor.setGenerate(cfg.health.generate ?? null);
    this.follower.catchUp();
    const reads = this.monitor.tick(cfg.health.path !== null);
    // The supervisor waits for tick work before it calls the backend ready: the API reads of a server
    // that just came up (or back) go on without holding that up; at steady pace they are waited for.
    if (ctx.status === 'ready') await reads;
    else void reads.catch(() => undefined);
    return this.probeFailure === null || this.ended ? null : `generation probe: ${this.probeFailure}`;
  }

  /** The process went (exit, stop, or Vigil letting go): its last output is read, the API left alone. */
  reset(): void {
    if (this.ended) return;
    this.ended = true;
    this.follower.stop();
    this.monitor.dispose();
    this.flush();
  }

  /** It died: the reason from its log's last lines (`tail`: what the supervisor read of them), published at once. */
  explainExit(tail: readonly string[]): LlamaDeathReason | null {
    this.reset();
    const reason = this.monitor.onExit(tail);
    if (reason) this.lastDeath = { pid: this.proc.pid, reason };
    this.update(this.monitor.view());
    this.flush();
    return reason;
  }

  private update(v: LlamaView): void {
    this.view = { ...v, lastDeath: this.lastDeath };
    this.dirty = true;
    if (!this.timer && !this.ended) {
      this.timer = setTimeout(() => this.flush(), PUBLISH_MS);
      this.timer.unref();
    }
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.dirty || !this.view) return;
    this.dirty = false;
    this.deps.publish(this.view);
  }
}
