import type { MemoryBreakdown } from '../../common/state.js';
export interface ProcEntry {
    pid: number;
    ppid: number;
    pgrp: number;
    session: number;
    /** State letter (R, S, D, Z, T …). */
    state: string;
    /** Field 22, clock ticks after boot. */
    starttime: number;
}
/** Parse one /proc/<pid>/stat line; null when malformed. Fields are counted from the LAST ')' (comm may hold ') '). */
export declare function parseStatLine(line: string): ProcEntry | null;
export declare class ProcessTable {
    readonly entries: ReadonlyMap<number, ProcEntry>;
    private children;
    constructor(entries: ReadonlyMap<number, ProcEntry>);
    get size(): number;
    /**
     * The backend's tree: every pid in its session (it leads one, sid = pid)
     * plus every descendant by parentage (a child that called setsid() still
     * belongs to it). Includes rootPid itself when it exists. Sorted ascending.
     */
    treeOf(rootPid: number): number[];
    private childMap;
}
/**
 * Read /proc/[0-9]*\/stat once. Processes that vanish mid-read are skipped;
 * an unreadable stat (EACCES, e.g. hidepid) is passed to onError and skipped.
 */
export declare function listProcesses(procRoot?: string, onError?: (e: unknown) => void): ProcessTable;
export interface StatusMemory {
    rss: number;
    anon: number;
    file: number;
    shmem: number;
    swap: number;
}
/** What the sampler takes from /proc/<pid>/status: memory, and the ids that place the pid in a tree. */
export interface StatusFields extends StatusMemory {
    /** -1 when absent. */
    ppid: number;
    /** First NSsid (the session as seen from this /proc, kernel ≥ 4.1); -1 when absent. */
    session: number;
    /** State letter ('' when absent). */
    state: string;
}
/**
 * Parse status straight from the read buffer: at 50 backends × 1 Hz the
 * text form cost a 1.4 KiB string per pid per tick plus slices, the largest
 * share of an idle Vigil's allocations (and so of its GC). Memory figures in
 * bytes; kernel threads have none (zeros). Stops after the last wanted key.
 */
export declare function parseStatusBytes(b: Uint8Array, n: number): StatusFields;
/** Memory fields of /proc/<pid>/status text in bytes. Kernel threads have none of them: all zero. */
export declare function parseStatus(text: string): StatusMemory;
/** Pss from smaps_rollup text, bytes; null when the file has no Pss line. */
export declare function parseSmapsRollupPss(text: string): number | null;
/** status of one pid; null when gone. Throws ReadFailure when unreadable. */
export declare function readStatusMemory(procRoot: string, pid: number): StatusMemory | null;
/** PSS of one pid (bytes); null when gone or the kernel gives none (kernel thread). Throws ReadFailure when unreadable. */
export declare function readPss(procRoot: string, pid: number): number | null;
/**
 * Sum status memory over pids. Vanished pids are skipped (and not counted);
 * unreadable ones go to onError and are skipped. PSS is left for the caller.
 */
export declare function sumTreeMemory(procRoot: string, pids: readonly number[], onError?: (e: unknown) => void): Omit<MemoryBreakdown, 'pss'> & {
    pids: number[];
};
/** Sum of PSS over pids; null when none could be read. */
export declare function sumTreePss(procRoot: string, pids: readonly number[], onError?: (e: unknown) => void): number | null;
