import { type ProcessHandle } from '../../../native-bindings/process.js';
import type { BackendStatus, ProcState } from '../../common/state.js';
import type { Logger } from '../diagnostics.js';
import { type HealthResult, type ProbeTarget } from '../health/http-probe.js';
import type { TickWork } from './seams.js';
import type { SupervisedBackendConfig } from './types.js';
/** Probe pace while the backend comes up, so `ready` shows promptly. */
export declare const STARTUP_PROBE_MS = 250;
export interface HealthIo {
    isRunning(h: ProcessHandle): boolean;
    procState(h: ProcessHandle): ProcState;
    watchExit(h: ProcessHandle, cb: () => void): () => void;
    probeHealth(target: ProbeTarget): Promise<HealthResult>;
    /** Run a job every `ms` on a timer shared with other jobs of that period. */
    every(ms: number, job: () => void): () => void;
}
/** What the monitor tells its supervisor. */
export interface HealthHost {
    status(): BackendStatus;
    /** waitid says the process exited: the exit path takes over (and stops the monitor). */
    exited(): void;
    become(to: 'ready' | 'loading' | 'unhealthy', reason: string): void;
    /** The process lives but fails too long; the monitor has stopped itself. */
    unresponsive(reason: string): void;
    procState(ps: ProcState): void;
    /** The smoothed latency to show, when it moved enough to be news; null: none (the probes stopped answering). */
    latency(ms: number | null): void;
    shownLatency(): number | null;
}
export interface WatchTarget {
    handle: ProcessHandle;
    port: number | null;
    /** Read on every tick: a config change applies to the running process. */
    health(): SupervisedBackendConfig['health'];
    /** isRunning backstop period, ms. */
    pollMs: number;
    extras: readonly TickWork[];
}
export declare class HealthMonitor {
    private readonly host;
    private readonly log;
    private readonly io;
    /** Bumped on every start and stop: a callback of an earlier run does nothing. */
    private run;
    private t;
    private failures;
    private probing;
    /** When a tick last checked liveness (performance.now()). */
    private checkedAt;
    private conn;
    private unwatch;
    private stopBackstop;
    private probeTimer;
    /** Registration on the shared steady-state beat, while on it. */
    private stopBeat;
    private readonly latency;
    /** A tick that throws is a fault in Vigil: logged, and the process stays watched by its exit watcher. */
    private readonly fault;
    constructor(host: HealthHost, log: Logger, io?: HealthIo);
    /** Watch a process that just started (or was adopted). */
    start(t: WatchTarget): void;
    /** Stop every watcher and timer of the current process. */
    stop(): void;
    /**
     * Next tick: after `ms` (start-up, fast), or — at the steady interval —
     * on the beat shared with every other backend of that interval, joined
     * once and left only when the pace changes or the process goes.
     */
    private schedule;
    private nextDelay;
    private tick;
    /** The tick work's verdict: the first failure detail, or null. A throwing one is a fault, logged, not a failure. */
    private extrasSay;
    /**
     * /proc shows the leader as a zombie (or gone). For our child that can come
     * before the exit is collectable: the leader of a multi-threaded process is
     * Z while its other threads still finish, and a reap then would find it
     * "running" and lose the exit code. So only waitid's answer (isRunning)
     * ends it; otherwise the exit watcher fires in a moment, and the tick waits.
     */
    private exitingSeen;
    private readProcState;
    private noteLatency;
    private failure;
    /** An unhealthy backend answers nothing: the last latency shown is not its latency now. */
    private noAnswer;
}
