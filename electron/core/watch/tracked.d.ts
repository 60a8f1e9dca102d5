import type { ProcessHandle } from '../../../native-bindings/process.js';
import type { WatchEventKind, WatchProcessRef, WatchStatus, WatchedServer } from '../../common/watch.js';
import type { WatchConfig } from '../../common/watch-schema.js';
import type { Candidate } from './discovery.js';
import type { WatchProbe } from './health.js';
import { KeptStat, type StatInfo } from './proc-info.js';
export interface Tracked {
    view: WatchedServer;
    cand: Candidate;
    /** pidfd handle (pid + start time): signals never reach a recycled pid. */
    handle: ProcessHandle | null;
    unwatch: (() => void) | null;
    probe: WatchProbe | null;
    probing: boolean;
    /** Consecutive failed probes. */
    failures: number;
    nextProbeAt: number;
    nextModelsAt: number;
    nextDetailsAt: number;
    /** When it was found; until it has a port, its sockets are looked up at `nextPortsAt`. */
    foundAt: number;
    nextPortsAt: number;
    /** Its /proc/<pid>/stat, kept open: read every tick. */
    stat: KeptStat;
    /** In state T (SIGSTOP) at the last tick. */
    stopped: boolean;
    /** ppid as last read while a zombie. */
    zombiePpid: number | null;
    zombieTimer: NodeJS.Timeout | null;
    parentWatch: {
        handle: ProcessHandle;
        stop: () => void;
    } | null;
    /** Its parent ended while it was still a zombie: only init (or a subreaper) can reap it now. */
    parentEnded: boolean;
    /** Quick re-reads after the parent ended, until init reaps. */
    orphanPoll: NodeJS.Timeout | null;
    /** Resolved at its exit (the stop action waits on it). */
    exitWaiters: (() => void)[];
    goneAt: number | null;
}
/** What the exit and health logic need from the Watcher. */
export interface WatchHost {
    readonly config: WatchConfig;
    /** stat of a pid; null when gone. */
    stat(pid: number): StatInfo | null;
    /** A process by pid with its comm (and watched id); null when gone. */
    ref(pid: number): WatchProcessRef | null;
    emit(t: Tracked, kind: WatchEventKind, reason: string): void;
    setStatus(t: Tracked, status: WatchStatus, now: number): void;
    /** Something a view shows changed (hosts republish). */
    changed(): void;
}
export declare function newTracked(procRoot: string, view: WatchedServer, cand: Candidate, handle: ProcessHandle, now: number, detailsInMs: number): Tracked;
