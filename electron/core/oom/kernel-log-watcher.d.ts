import type { KernelLogStatus, OomKill } from '../../common/state.js';
export type KernelLogSourceChoice = 'kmsg' | 'journal';
export interface KernelLogWatcherOptions {
    stateDir: string;
    kmsgPath?: string;
    /** journalctl binary; null disables the journal. */
    journalctl?: string | null;
    sources?: KernelLogSourceChoice[];
    pollMs?: number;
    /** /dev/kmsg: wake on readiness (default) or poll only (benchmark baseline). */
    kmsgReadiness?: boolean;
    onKill(kill: OomKill): void;
    onStatus(s: KernelLogStatus): void;
    onError?(err: Error): void;
}
/** ms since epoch of boot on the kernel's printk clock (CLOCK_MONOTONIC, which libuv's hrtime also reads). */
export declare const bootTimeMs: () => number;
export declare class KernelLogWatcher {
    private readonly opts;
    private kmsg;
    private journal;
    private kmsgParser;
    private journalParser;
    private graceTimer;
    private status;
    private readonly seen;
    constructor(opts: KernelLogWatcherOptions);
    get current(): KernelLogStatus;
    start(): Promise<void>;
    stop(): void;
    private fallBack;
    private startJournal;
    private flushStale;
    private emit;
    private setStatus;
}
