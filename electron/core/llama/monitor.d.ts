import { type LlamaDeathReason, type LlamaGenerationProbe, type LlamaView } from '../../common/llama.js';
export interface LlamaMonitorOptions {
    port: number;
    host?: string;
    apiKey?: string | null;
    /** Timeout of each /props, /slots, /metrics read; default 2000 ms. */
    readTimeoutMs?: number;
    /** The opt-in generation probe (`health.generate`); null: never. */
    generate?: {
        everyMs: number;
        timeoutMs: number;
    } | null;
    onUpdate: (view: LlamaView) => void;
    /** Each finished generation probe, for the supervisor's health policy. */
    onProbe?: (probe: LlamaGenerationProbe) => void;
    now?: () => number;
}
export declare class LlamaMonitor {
    private opts;
    private readonly parser;
    private readonly api;
    private tail;
    private partial;
    private props;
    private slots;
    private metrics;
    private lastProbe;
    private deathReason;
    private lastProbeStart;
    private ticking;
    private probing;
    private exited;
    private generation;
    private emitted;
    private readonly now;
    constructor(opts: LlamaMonitorOptions);
    /**
     * A new process (a restart), maybe on another port: everything learnt
     * about the previous one is dropped. Feed its log from the offset where
     * this process started writing.
     */
    restart(port: number): void;
    /** Log text as it is appended (any chunking). */
    feedLog(chunk: string): void;
    /**
     * One step at the probe's pace. `ready` is what the supervisor's /health
     * probe says; the API is read only when the server serves (or its log says
     * it listens). Overlapping calls are skipped: a stopped server makes a read
     * last its whole timeout.
     */
    tick(ready: boolean): Promise<void>;
    /** The generation probe's settings changed (a config edit applies to the running server). */
    setGenerate(generate: {
        everyMs: number;
        timeoutMs: number;
    } | null): void;
    /** The backend is gone for good (removed from the config, Vigil quitting): close the kept connection. */
    dispose(): void;
    /** The process exited: the death reason from the log's last lines (`logTail`, else the lines fed). */
    onExit(logTail?: readonly string[]): LlamaDeathReason | null;
    view(): LlamaView;
    private slotView;
    private maybeProbe;
    private emit;
}
