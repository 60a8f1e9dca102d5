import { type KmsgRecord } from './kmsg-record.js';
export declare const KMSG_STATE_FILE = "kmsg-position.json";
export interface KmsgGap {
    /** First seq we expected; `got` is what came instead (null when unknown, EPIPE). */
    expected: number | null;
    got: number | null;
    reason: 'overwritten' | 'seq-jump';
}
export interface KmsgReaderOptions {
    path?: string;
    /** Folder for the persisted position; null = do not persist (every start reads the whole buffer). */
    stateDir: string | null;
    /** Defaults to /proc/sys/kernel/random/boot_id. */
    bootId?: string;
    /** Files and FIFOs: how often to look for more (ms). The device itself is watched for readiness. */
    pollMs?: number;
    /** The device: how long to wait for readiness before reading anyway (ms). */
    backstopMs?: number;
    /** The device: wait for readiness (default) or only poll every `pollMs`, the naive way the benchmark compares with. */
    readiness?: boolean;
    onRecord(rec: KmsgRecord, bootId: string): void;
    onGap?(gap: KmsgGap): void;
    onError?(err: Error): void;
}
export declare function readBootId(): string;
export declare class KmsgReader {
    private readonly opts;
    readonly path: string;
    readonly bootId: string;
    private fd;
    private buf;
    private charDevice;
    private decoder;
    private pending;
    private lastSeq;
    private savedSeq;
    /** Why the position could not be saved (an errno code), said once per cause. */
    private persistTrouble;
    private timer;
    private cancelReadiness;
    private persistTimer;
    private stopped;
    private caughtUp;
    constructor(opts: KmsgReaderOptions);
    /** Last seq handed to onRecord (−1 before any). */
    get position(): number;
    /** Opens the source (throws a clear error when it cannot) and resolves once the backlog is read. */
    start(): Promise<void>;
    stop(): void;
    private readNext;
    /**
     * The device, opened O_NONBLOCK: a read returns one record or EAGAIN at
     * once, so it is read synchronously (no threadpool round trip between the
     * kernel's record and the event), in batches that yield to the event loop
     * while a long backlog is read.
     */
    private drainDevice;
    /** True when reading should go on at once (a gap noted, the buffer grown); false when idle (caught up, or an error reported). */
    private readFailed;
    /** Caught up: flush a partial file record, persist, and wait for more: readiness for the device, a timer for files. */
    private idle;
    /** Read again when the device has a record, or after the backstop period; false when the fd cannot be polled. */
    private armReadiness;
    /** File/FIFO replay: a record is a line not starting with ' ' plus its ' KEY=value' lines. */
    private split;
    private deliver;
    private loadPosition;
    /** The position is for the next start only: write it at most once a second while records flow. */
    private persistSoon;
    private persist;
}
