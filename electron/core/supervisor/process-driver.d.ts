import { type ProcessHandle } from '../../../native-bindings/process.js';
import type { CommandResult } from '../../common/api.js';
import type { BackendStatus, ExitInfo } from '../../common/state.js';
import { type Logger } from '../diagnostics.js';
import { BackendRecord } from './backend-record.js';
import { CommandQueue } from './command-queue.js';
import { ExitRecorder } from './exit-recorder.js';
import { HealthMonitor } from './health-monitor.js';
import { MemoryLimit } from './memory-limit.js';
import { PortChoice } from './port-conflict.js';
import { RestartLimiter } from './restart-policy.js';
import { Lifecycle } from './state-machine.js';
import type { SupervisedBackendConfig, SupervisorDeps } from './types.js';
export declare abstract class ProcessDriver {
    readonly id: string;
    protected cfg: SupervisedBackendConfig;
    protected readonly deps: SupervisorDeps;
    protected readonly log: Logger;
    protected readonly rec: BackendRecord;
    protected readonly life: Lifecycle;
    protected readonly queue: CommandQueue;
    protected readonly limiter: RestartLimiter;
    protected readonly limit: MemoryLimit;
    protected readonly monitor: HealthMonitor;
    protected readonly exits: ExitRecorder;
    protected readonly ports: PortChoice;
    /** The live process, or the zombie awaiting reap. */
    protected handle: ProcessHandle | null;
    protected gen: number;
    protected disposed: boolean;
    private readonly io;
    /** Where this process's output starts in the log file. */
    private logOffset;
    private stopSeq;
    /** The planned restart, read on entering backoff. */
    private backoffPlan;
    constructor(cfg: SupervisedBackendConfig, deps: SupervisorDeps);
    get status(): BackendStatus;
    protected transition(to: BackendStatus, reason: string, pid?: number | null): void;
    private changed;
    /** Entry work of a state, systemd-style: its timers are armed here and disarmed by leaving it. */
    private enter;
    /** A process was spawned or adopted: the startup timeout, exit watching and health probes begin. */
    private watchNewProcess;
    private armRestart;
    private armGrace;
    /** Spawn now (inside the queue); `anyway`: the user starts it despite what the pre-start checks say. */
    protected spawn(why: string, anyway?: boolean): Promise<CommandResult>;
    private cannotStart;
    /** Stop the live process (stop signal or command, grace, SIGKILL) and record its exit. */
    protected terminateCurrent(reason: string): Promise<ExitInfo>;
    /** Policy restart of a live but unresponsive process: terminate the group, spawn again. */
    private restartUnresponsive;
    protected releaseCgroup(): Promise<void>;
    /** Let go: every timer and watcher stops; the process itself is not touched. */
    protected letGo(): void;
    /**
     * The watched process exited on its own (crash, kill -9, OOM …). The exit
     * and the transitions it leads to are one store update: a host that pushes
     * the first change at once would otherwise show a moment that never was
     * (status ready, no process).
     */
    private onExit;
    private recordExit;
    protected collectZombie(): ExitInfo;
}
