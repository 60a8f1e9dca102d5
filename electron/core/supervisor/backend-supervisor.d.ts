import { type ProcessHandle } from '../../../native-bindings/process.js';
import type { CommandResult } from '../../common/api.js';
import type { BackendFit } from '../../common/fit.js';
import type { LlamaView } from '../../common/llama.js';
import type { BackendView, MemoryBreakdown, OomKill } from '../../common/state.js';
import { ProcessDriver } from './process-driver.js';
import type { RunningRecord } from './running-registry.js';
import type { SupervisedBackendConfig } from './types.js';
export type { SupervisorDeps } from './types.js';
export declare class BackendSupervisor extends ProcessDriver {
    get config(): SupervisedBackendConfig;
    /** The supervisor's own record of the backend (a copy). */
    snapshot(): BackendView;
    /** Same as snapshot(), for callers that still say view(). */
    view(): BackendView;
    /** The live process (or the zombie awaiting reap), if any: for memory sampling and OOM attribution. */
    get process(): ProcessHandle | null;
    /** The pid whose memory is sampled: the live process's; none for a zombie awaiting reap (a dead process has no memory). */
    get livePid(): number | null;
    get cgroupPath(): string | null;
    /** Bytes charged to the memory-limit cgroup now; null without one or when unreadable (never throws: read per sampler tick). */
    cgroupUsage(): number | null;
    /** The memory-limit cgroup's highest charge during the current process; null without one or when unknown. */
    cgroupPeak(): number | null;
    /** Replace the config (the caller restarts when it matters). */
    setConfig(cfg: SupervisedBackendConfig): void;
    setMemory(memory: MemoryBreakdown | null): void;
    /** The fit feed's view of the backend (passed through like memory). */
    setLlama(llama: LlamaView | null): void;
    setFit(fit: BackendFit | null): void;
    /** `anyway`: the pre-start checks report but do not refuse (the dashboard's "Start anyway"), for this start only. */
    start(opts?: {
        anyway?: boolean;
    }): Promise<CommandResult>;
    stop(): Promise<CommandResult>;
    restart(): Promise<CommandResult>;
    reap(): Promise<CommandResult>;
    /**
     * Take over a process an earlier Vigil started (running.json). False when
     * the pid no longer carries the recorded start time (gone or reused), or
     * when this backend already runs a process.
     */
    adopt(rec: RunningRecord): Promise<boolean>;
    /** The kernel (or a cgroup counter) says the OOM killer took `kill.pid`; either order of kill and exit is handled (oom-correlation.ts). */
    markOomKilled(kill: OomKill): boolean;
    /** Stop watching (timers, watchers, pidfd) without touching the process: it keeps running for adoption. */
    detach(): void;
    /** Detach and drop the cgroup (after stop). */
    dispose(): void;
    /** Serialised; refused by the command-by-state rule when it runs; the command event is emitted once accepted. */
    private command;
}
