import type { LogChunk } from '../logs/backend-log.js';
/** The part of BackendLog a follower uses. */
export interface TailedLog {
    readonly path: string;
    readonly position: {
        offset: number;
        epoch: number;
    };
    /** Read what was appended since the last read (subscribers get it at once). */
    read(): void;
    subscribeChunks(cb: (chunk: LogChunk) => void): () => void;
}
/** At most this much output from before the follower started is read back (an adopted process's). */
export declare const BACKFILL_BYTES: number;
export declare class ProcessLogFollower {
    private readonly log;
    private readonly from;
    private readonly onText;
    private readonly decoder;
    private unsubscribe;
    private epoch;
    /** The next byte (of `epoch`) to pass on. */
    private next;
    /**
     * `from`: the byte offset where the process's output starts (the size of
     * the log when it was spawned); null when unknown: then after Vigil's last
     * "starting:" note, or only what comes next.
     */
    constructor(log: TailedLog, from: number | null, onText: (text: string) => void);
    start(): void;
    /** Pass on what the process wrote up to now (before a final look at it). */
    catchUp(): void;
    /** Catch up, then stop following. */
    stop(): void;
    private chunk;
    private pass;
    /** Where the last process Vigil noted as starting begins writing, within the bytes before `end`; else `end`. */
    private lastStart;
    private readRange;
}
