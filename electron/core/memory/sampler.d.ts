import type { GpuMemory, MemoryBreakdown, SystemMemory } from '../../common/state.js';
import { MemoryHistory } from './history.js';
export type BackendMemory = MemoryBreakdown & {
    pids: number[];
};
export interface MemorySample {
    system: SystemMemory | null;
    gpus: GpuMemory[];
    backends: Record<string, BackendMemory>;
}
export interface MemorySamplerOptions {
    procRoot?: string;
    sysRoot?: string;
    intervalMs?: number;
    /**
     * PSS (smaps_rollup) of each backend every N ticks, staggered so a tick
     * reads at most a share of them; a backend's first tick (and a new root pid)
     * always reads it.
     */
    pssEveryN?: number;
    /** A tree whose RSS and process count stood still is re-read only every this many turns (default PSS_STILL_FACTOR; 1 = every turn). */
    pssStillFactor?: number;
    /** Path to nvidia-smi; undefined = look it up on PATH; null = never query. */
    nvidiaSmi?: string | null;
    nvidiaTimeoutMs?: number;
    /** After a failed nvidia-smi run, wait this long before trying again (a hung tool must not stall every tick). */
    nvidiaRetryMs?: number;
    getBackends: () => {
        id: string;
        pid: number | null;
    }[];
    onSample?: (s: MemorySample) => void;
    /** Each distinct problem is reported once (not every second). */
    onError?: (e: Error) => void;
    history?: MemoryHistory;
}
/**
 * smaps_rollup makes the kernel walk the page tables of every mapping: ≈0.2–1
 * ms per small process here (20–100× a status read), and it grows with what
 * is mapped, so a llama-server with a model of tens of GiB costs far more.
 * Read every 10th tick it would be a third of the sampler's CPU; PSS moves
 * slowly, and once a minute shows it.
 */
export declare const DEFAULT_PSS_EVERY_N = 60;
/**
 * PSS can only move much when RSS does (or when other processes start or
 * stop sharing the same pages), so a backend whose tree RSS is where it was
 * at its last PSS read is re-read only on every PSS_STILL_FACTORth turn.
 */
export declare const PSS_STILL_FACTOR = 10;
export declare class MemorySampler {
    private readonly opts;
    readonly history: MemoryHistory;
    private readonly procRoot;
    private readonly sysRoot;
    private readonly intervalMs;
    private readonly pssEveryN;
    private readonly pssStillFactor;
    private readonly nvidiaBin;
    private readonly nvidiaTimeoutMs;
    private readonly nvidiaRetryMs;
    private nvidiaRetryAt;
    private lastNvidia;
    private tick;
    private stopTimer;
    private busy;
    private readonly scanner;
    private readonly amd;
    private readonly system;
    private readonly pssCache;
    private readonly reported;
    constructor(opts: MemorySamplerOptions);
    start(): void;
    stop(): void;
    /** Take one sample, record it in history and hand it to onSample. Never throws for read problems (they go to onError). */
    sampleOnce(now?: number): Promise<MemorySample>;
    private sampleBackends;
    private queryNvidia;
    private guard;
    private report;
}
/** The History row of one sample. */
export declare function toSeries(s: MemorySample): Record<string, number | null>;
