import { type ProcessHandle, type ReapResult } from '../../../native-bindings/process.js';
import type { SupervisedBackendConfig } from './types.js';
/** After SIGKILL only uninterruptible sleep can delay the exit; the wait for it is bounded. */
export declare const KILL_WAIT_MS = 10000;
export interface StopDeps {
    logPath: string;
    /** Writes a Vigil line into the backend's log. */
    note?: ((text: string) => void) | undefined;
    /** Something the user should know (an event): a failed signal, a stop command that failed. */
    report: (reason: string) => void;
}
export declare class StopSequence {
    private readonly h;
    private readonly cfg;
    private readonly port;
    private readonly d;
    /** Settles when the leader exited, or when the wait was abandoned. */
    readonly gone: Promise<void>;
    private settle;
    private readonly unwatch;
    private done;
    constructor(h: ProcessHandle, cfg: SupervisedBackendConfig, port: number | null, d: StopDeps);
    /** Ask the process to stop: the stop command when configured (the signal if it cannot start), else the stop signal. */
    request(): void;
    /** The grace is over: SIGKILL the group. False when the process is already gone (nothing to wait for). */
    escalate(): boolean;
    /** Give up waiting for the exit (it will show as not collected). */
    abandon(): void;
    /** After `gone`: stragglers of the group get SIGKILL, the leader is reaped (null when that failed: reported). */
    finish(): ReapResult | null;
    private signal;
    /** Spawn the stop command (no shell; `${PID}`, `${PORT}` filled in). False when it cannot be started. */
    private runStopCommand;
}
