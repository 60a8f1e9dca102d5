// Where features plug into a supervisor without touching its state machine:
// a check before each start, explainers of an exit, work done at the health
// probe's pace while the backend lives, and observers told of each change of
// the backend's record where it happens (systemd's unit_notify). Each is
// passed in through SupervisorDeps; none is required, and none costs
// anything when absent. A plug-in reaches its backend through the
// BackendContext it is handed, never through the fleet.
import type { BackendFit } from '../../common/fit.js';
import type { LlamaView } from '../../common/llama.js';
import type { BackendStatus, BackendView, ExitInfo } from '../../common/state.js';
import type { SupervisedBackendConfig } from './backend-config.js';

/** One backend as a plug-in sees it: its config and record now, and the sinks for what plug-ins add to its view. */
export interface BackendContext {
  readonly id: string;
  /** The config in force now. */
  config(): SupervisedBackendConfig;
  /** The supervisor's record of the backend now (a copy): decisions read this, never the store. */
  view(): BackendView;
  /** The memory-limit cgroup's highest charge during the current process; null without one or when unknown. */
  cgroupPeak(): number | null;
  /** The fit feed's part of the view; ignored once the backend is no longer supervised. */
  setFit(fit: BackendFit | null): void;
  /** The llama feed's part of the view; ignored once the backend is no longer supervised. */
  setLlama(llama: LlamaView | null): void;
}

/**
 * Told of every change of a backend's record, synchronously, where the
 * supervisor (or the sampler, through it) makes it: `before` is null for the
 * first view of a newly supervised backend. What plug-ins set themselves
 * (fit, llama) is not notified. Must not throw; a fault is logged.
 */
export interface BackendObserver {
  notify(backend: BackendContext, before: BackendView | null, after: BackendView): void;
  /** The backend is no longer supervised (removed from the config, or Vigil quits). */
  removed?(backend: BackendContext): void;
}

export interface PreStartContext {
  cfg: SupervisedBackendConfig;
  backend: BackendContext;
  /** The argv about to be spawned (macros filled in). */
  argv: readonly string[];
  port: number | null;
  /** Why the start happens ('started by user', 'restart after: …'). */
  why: string;
  /** The user starts it despite refusals ("Start anyway"): a check may still report, but its refusal is not applied. */
  anyway: boolean;
}

/**
 * Runs before every spawn, user start and policy restart alike. A string
 * refuses the start: the backend goes to `failed` with
 * "start refused: <string>" and the command answers with it — unless the
 * user started it anyway (`ctx.anyway`), when refusals are ignored. Synchronous
 * checks cost the restart path nothing; a promise is awaited.
 */
export type PreStartCheck = (ctx: PreStartContext) => string | null | Promise<string | null>;

/** The first refusal among `checks`, in order, or null. Started anyway: every check runs, and none refuses. */
export async function firstRefusal(checks: readonly PreStartCheck[], ctx: PreStartContext): Promise<string | null> {
  for (const check of checks) {
    const verdict = await check(ctx);
    if (verdict !== null && !ctx.anyway) return verdict;
  }
  return null;
}

export interface ExitContext {
  cfg: SupervisedBackendConfig;
  exit: ExitInfo;
  /** The newest output of the exited process (up to LOG_TAIL_BYTES, from its start). */
  logTail: string;
}

/**
 * Reads an exit's log tail and says what went wrong ('CUDA out of memory',
 * 'model file missing'), or null. Synchronous: it runs on the exit path
 * before the restart. The first answer is added to the exit's reason.
 */
export type ExitExplainer = (ctx: ExitContext) => string | ExitExplanation | null;

/** An explanation with more than words: a GPU out-of-memory death, recorded as an OOM of kind 'gpu'. */
export interface ExitExplanation {
  note: string;
  gpuOom?: { device: string | null; bytes: number | null; summary: string; line: string };
}

export interface TickContext {
  pid: number;
  port: number | null;
  status: BackendStatus;
}

/**
 * Work at the probe's pace for one live process (read /props, /slots,
 * /metrics; a generation probe). `tick` runs when the health check passed
 * (or, without one, the process runs), never overlapping itself; a string
 * counts as a failed probe with that detail (toward unhealthy and the
 * unresponsive restart), null as a pass. `reset` is called when the process
 * goes: drop connections and caches of it.
 */
export interface TickWork {
  tick(ctx: TickContext): string | null | Promise<string | null>;
  reset?(): void;
}

/** The process a TickWork is made for. */
export interface TickProcess {
  pid: number;
  port: number | null;
  /** Where its output starts in the backend's log file; null when unknown (a process adopted from a previous Vigil). */
  logOffset: number | null;
}

/** Makes the tick work for one process of a backend (null: none for it); called for each spawned or adopted process. */
export type TickWorkFactory = (cfg: SupervisedBackendConfig, proc: TickProcess, backend: BackendContext) => TickWork | null;
