import { type ProcessHandle, type ReapResult } from '../../../native-bindings/process.js';
import type { BackendStatus, ExitInfo, OomKill, VigilEvent } from '../../common/state.js';
import type { VigilStore } from '../store.js';
import type { BackendRecord } from './backend-record.js';
import type { MemoryLimit } from './memory-limit.js';
import type { OomCorrelation } from './oom-correlation.js';
import type { RunningRegistry } from './running-registry.js';
import type { ExitExplainer } from './seams.js';
import type { EventDraft, SupervisedBackendConfig } from './types.js';
export interface ExitRecorderDeps {
    id: string;
    rec: BackendRecord;
    oom: OomCorrelation;
    limit: MemoryLimit;
    registry: RunningRegistry;
    store: VigilStore;
    emit: (ev: EventDraft) => VigilEvent;
    explainers: readonly ExitExplainer[] | undefined;
    config(): SupervisedBackendConfig;
    status(): BackendStatus;
    /** A line of Vigil's own in the backend's log (where its output ends and why). */
    note?: ((text: string) => void) | undefined;
}
export declare class ExitRecorder {
    private readonly d;
    constructor(d: ExitRecorderDeps);
    /** A new process starts: kill notices about the old one are void. */
    newProcess(): void;
    /** reap or peekExit; a failure is reported and the exit then shows as not collected. */
    wait(h: ProcessHandle, how: (h: ProcessHandle) => ReapResult): ReapResult | null;
    /** The first explainer's reading of the log tail, added to the reason. */
    explain(exit: ExitInfo, logTail: string): ExitInfo;
    /**
     * The process is gone (or, with `keepZombie`, a zombie left for the user):
     * classify OOM, drop its running.json record and pidfd, publish, emit.
     */
    record(h: ProcessHandle, exit: ExitInfo, keepZombie: boolean): ExitInfo;
    /** Reap the zombie left by policy never; its OOM classification and exit time carry over. */
    collectZombie(h: ProcessHandle): ExitInfo;
    /** A kill notice for `kill.pid`; `handlePid` is the supervised process (live or zombie), if any. */
    oomNotice(kill: OomKill, handlePid: number | null): void;
    /** The cgroup's oom_kill counter rose: record it, unless another source already did. */
    counterRose(handlePid: number | null): void;
    private amend;
    /** The counter's record of a kill (the victim taken to be `pid`), into the store's OOM list. */
    private counterKill;
}
