import type { OomKill } from '../../common/state.js';
import type { CgroupFactory } from './types.js';
export interface MemoryLimitDeps {
    backendId: string;
    /** Creates the cgroup; null/undefined when unavailable (the reason is `unavailable`). */
    factory: CgroupFactory | null | undefined;
    unavailable: string | undefined;
    /** Why the limit is not enforced (called once). */
    warn: (reason: string) => void;
    /** The cgroup the backend's process is in now (null: none), for its view. */
    onPath: (path: string | null) => void;
    /** The watched counter rose. */
    onCounterRose: () => void;
    /** Counter poll period, ms. */
    pollMs?: number;
}
export declare class MemoryLimit {
    private readonly d;
    private cg;
    private warned;
    private baseline;
    private stopWatch;
    /** The leader's comm, read right after spawn, for counter OOM records. */
    private comm;
    /** No process was placed in the cgroup yet: its peak is the coming process's own. */
    private fresh;
    /** The cgroup's peak counts only the current process (fresh, or reset when it was placed). */
    private peakIsOwn;
    constructor(d: MemoryLimitDeps);
    get path(): string | null;
    /** Bytes charged to the cgroup now; null without one or when unreadable (never throws: read per sampler tick). */
    usage(): number | null;
    /** The highest charge of the cgroup during the current process (bytes); null without a cgroup or where the peak also holds an earlier process's. Never throws. */
    peak(): number | null;
    /** Before a spawn: have the cgroup (with `limitBytes`) and watch its counter; nothing when there is no limit. */
    ensure(limitBytes: number | null): void;
    /** Right after a spawn: move the new process in (there is no pre-exec hook; the few allocations before this stay charged to the parent). */
    place(pid: number, limitBytes: number | null): void;
    /** Did the counter rise since the last look? Either way the next look starts from now. */
    takeRise(): boolean;
    /** What the counter tells of a kill: the victim is taken to be `pid`, the backend's leader (the counter cannot say which process died). */
    killRecord(pid: number, fallbackComm: string): OomKill;
    stopWatching(): void;
    /**
     * After a stop or reap: stop watching and, unless a process still runs in
     * it, remove the cgroup (awaited, so a next start cannot race the rmdir).
     */
    release(processRunning: boolean): Promise<void>;
    private warn;
}
