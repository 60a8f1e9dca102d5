import type { LlamaDeathReason, LlamaView } from '../../common/llama.js';
import type { TickContext, TickProcess, TickWork } from '../supervisor/seams.js';
import type { SupervisedBackendConfig } from '../supervisor/types.js';
import { type TailedLog } from './log-follower.js';
export declare const PUBLISH_MS = 100;
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
export declare class LlamaProcessWatch implements TickWork {
    private readonly proc;
    private readonly deps;
    private readonly monitor;
    private readonly follower;
    private view;
    private timer;
    private dirty;
    /** The last finished generation probe's failure; it stands until one succeeds. */
    private probeFailure;
    private lastDeath;
    private ended;
    constructor(cfg: SupervisedBackendConfig, proc: TickProcess, deps: ProcessWatchDeps);
    get pid(): number;
    /** The death reason kept for the backend: this process's, once it gave one. */
    get death(): LastDeath | null;
    /**
     * At the probe's pace, when /health passed (or, without a health check, the
     * process runs). The API is read when the server serves; a failed
     * generation probe counts as a failed probe on every tick until one passes.
     */
    tick(ctx: TickContext): Promise<string | null>;
    /** The process went (exit, stop, or Vigil letting go): its last output is read, the API left alone. */
    reset(): void;
    /** It died: the reason from its log's last lines (`tail`: what the supervisor read of them), published at once. */
    explainExit(tail: readonly string[]): LlamaDeathReason | null;
    private update;
    private flush;
}
