import type { WatchListen, WatchProcessRef } from '../../common/watch.js';
import { type CgroupInfo, type ListenSocket } from './proc-info.js';
/** LISTEN sockets per network namespace, read at most once per refresh round. */
export declare class ListeningCache {
    private readonly procRoot;
    private readonly byNs;
    /** TCP table reads so far (tests). */
    reads: number;
    constructor(procRoot: string);
    of(pid: number): ListenSocket[];
}
export interface PortsResult {
    listen: WatchListen[];
    /** Its fds were not readable: these are the LISTEN sockets of its uid, not proven its own. */
    inferred: boolean;
}
/**
 * Ports the process listens on; null when it is gone. Its socket inodes are
 * matched against the LISTEN rows every time: a socket it already holds may
 * start listening at any moment (socket, bind, then listen), so an unchanged
 * set of sockets proves nothing. A process without sockets needs no table.
 */
export declare function readPorts(procRoot: string, pid: number, uid: number | null, cache: ListeningCache): PortsResult | null;
export interface Identity {
    uid: number | null;
    exe: string | null;
    cgroup: CgroupInfo | null;
}
export declare function readIdentity(procRoot: string, pid: number): Identity;
/** A process by pid with its comm; null when it is gone. */
export declare function processRef(procRoot: string, pid: number, watchedId: (pid: number) => string | null): WatchProcessRef | null;
/** Boot time in ms since epoch (btime of /proc/stat); null when unreadable. */
export declare function bootTimeMs(procRoot: string): number | null;
/** USER_HZ: the unit of /proc/<pid>/stat times (100 on every Linux ABI Vigil runs on). */
export declare const CLOCK_TICKS = 100;
