import type { PredictFitRequest } from '../../common/api.js';
import type { BackendFit, FitPrediction } from '../../common/fit.js';
import type { VigilEvent } from '../../common/state.js';
import type { Logger } from '../diagnostics.js';
import { type MeasurementStore } from '../fit/index.js';
import type { VigilStore } from '../store.js';
import type { SupervisedBackendConfig } from '../supervisor/backend-config.js';
import type { PreStartContext } from '../supervisor/seams.js';
import type { EventDraft } from '../supervisor/types.js';
/** What the feed needs of one supervised backend. */
export interface FitTarget {
    readonly config: SupervisedBackendConfig;
    setFit(fit: BackendFit | null): void;
    /** The memory-limit cgroup's highest charge during the current process; null when unknown. */
    cgroupPeak(): number | null;
}
export interface FitFeedDeps {
    store: Pick<VigilStore, 'get' | 'subscribe' | 'setOomAdvice'>;
    emit(d: EventDraft): VigilEvent;
    measurements: MeasurementStore;
    backend(id: string): FitTarget | undefined;
    logPath(id: string): string;
    logger: Logger;
    procRoot?: string;
    /** After ready, this long (ms) before its figures are recorded: a sample or two of the ready process. */
    settleMs(): number;
    /** A prediction slower than this (ms; a hung network disk) lets the start go on without one. */
    timeoutMs?: number;
}
export declare class FitFeed {
    private readonly d;
    private readonly models;
    private readonly fits;
    private readonly runs;
    /** Config signature each backend's shown prediction was made for. */
    private readonly predictedFor;
    /** Bumped by every start's check: a preview that finishes later is stale. */
    private readonly generation;
    private readonly timers;
    /** Work started by the feed (records, advice), awaited at stop. */
    private readonly pending;
    /** Final records waiting for the exit to settle: run at stop without waiting. */
    private readonly finals;
    private readonly unsubscribe;
    private stopped;
    constructor(d: FitFeedDeps);
    /** The supervisors' pre-start check. Never throws: a fault predicts nothing and lets the start go on. */
    readonly check: (ctx: PreStartContext) => Promise<string | null>;
    /** The add-backend form's question: what would this command take here? */
    predictCommand(req: PredictFitRequest): Promise<FitPrediction>;
    /** Stops watching; records of runs that ended are written first. */
    stop(): Promise<void>;
    private beforeStart;
    private machine;
    private predict;
    /** The prediction, or after timeoutMs "no prediction" (`starting`: the start goes on without one). */
    private withTimeout;
    private show;
    private patch;
    /** Every state snapshot: runs' memory, readiness and exits; predictions for stopped backends. Nothing is published from here directly. */
    private observe;
    private follow;
    /** A removed backend's records go; one added again under its id is predicted afresh. */
    private forgetRemoved;
    /** A prediction for a backend that is not running, when its config is new or changed. */
    private preview;
    private recordReady;
    /** At the end of a run that was ready: its peak, unless the OOM killer ended it (a killed run shows its limit, not its need). */
    private scheduleFinal;
    private recordFinal;
    private advise;
    /** The advice into the journal, once per kill, with the best figures known by then. */
    private announceAdvice;
    private later;
    private track;
}
