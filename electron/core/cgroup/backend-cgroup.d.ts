import { type CgroupEnv } from './detect.js';
export interface CgroupUsage {
    /** Bytes charged now. */
    current: number;
    /** Bytes; null when unlimited. */
    limit: number | null;
}
export interface BackendCgroup {
    readonly version: 1 | 2;
    readonly path: string;
    /** Move a process (and, on v2, its threads) into the cgroup. Throws naming the pid and path. */
    addProcess(pid: number): void;
    /** Kernel's count of OOM kills inside this cgroup. */
    oomKillCount(): number;
    usage(): CgroupUsage;
    /**
     * The highest charge (bytes) since the cgroup was made or its peak last
     * reset: v1 memory.max_usage_in_bytes, v2 memory.peak. Null where the
     * kernel has no such file (v2 before Linux 5.19).
     */
    peak(): number | null;
    /**
     * Starts the peak afresh (v1: 0 written to memory.max_usage_in_bytes sets
     * it to the charge now). False where it cannot be: a v2 memory.peak is
     * reset only for the file descriptor that wrote it.
     */
    resetPeak(): boolean;
    /** Pids in the cgroup now. */
    pids(): number[];
    /** Move stragglers out, then rmdir (retrying while the kernel still counts exiting tasks). */
    remove(opts?: {
        timeoutMs?: number;
    }): Promise<void>;
}
export type CreateResult = {
    ok: true;
    cg: BackendCgroup;
} | {
    ok: false;
    reason: string;
};
/** `key value` lines (memory.events, memory.oom_control) → the value of `key`. */
export declare function readKeyedCounter(file: string, key: string): number;
/** Wrap an existing backend cgroup directory (e.g. after Vigil restarted). */
export declare function openBackendCgroup(version: 1 | 2, cgPath: string, evacuateTo?: string): BackendCgroup;
/**
 * The name a Vigil instance gives its cgroups: a short hash of its state
 * directory. Two instances (a desktop app and a `vigil serve` with another
 * state directory) never share a backend's cgroup, so one never moves the
 * other's processes out or removes its limit; one instance restarted on the
 * same state directory finds its own cgroups again and adopts into them.
 */
export declare function cgroupInstance(stateDir: string): string;
/**
 * Create (or reuse, after a crash) the backend's cgroup with a hard memory
 * limit: v1 `<memory mount>/vigil/<instance>/<id>`, v2
 * `<delegated subtree>/vigil-<instance>-<id>` (without an instance:
 * `vigil/<id>`, `vigil-<id>`).
 * The limit also forbids swapping past it (v1 memsw = limit, v2 swap.max = 0)
 * where the kernel accounts swap, so a runaway backend is killed rather than
 * thrashing the machine. Never throws: a failure says what is missing.
 */
export declare function createBackendCgroup(opts: {
    id: string;
    limitBytes: number | null;
    root?: string;
    instance?: string;
} & CgroupEnv): CreateResult;
/**
 * Call cb when the cgroup's OOM-kill counter rises: at once on the kernel's
 * notification (oom-notify.ts), with a poll of the counter as a backstop
 * (`intervalMs`; every 200 ms where notifications cannot be had).
 * Returns a stop function. A read error (cgroup removed) stops the watch and goes to onError.
 */
export declare function watchOomKills(cg: Pick<BackendCgroup, 'oomKillCount' | 'path'> & {
    version?: 1 | 2;
}, cb: (e: {
    count: number;
    delta: number;
}) => void, opts?: {
    intervalMs?: number;
    onError?: (e: Error) => void;
}): () => void;
