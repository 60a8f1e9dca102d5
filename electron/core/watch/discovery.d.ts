import type { WatchKind } from '../../common/watch.js';
import type { WatchRule } from '../../common/watch-schema.js';
import { type PidKind } from '../../../native-bindings/pid-kind.js';
import { type HealthPlan } from './catalog.js';
/** A process that the catalog or a rule recognised. */
export interface Candidate {
    pid: number;
    startTime: number;
    ppid: number;
    pgrp: number;
    session: number;
    comm: string;
    argv: string[];
    kind: WatchKind;
    label: string;
    rule: string | null;
    model: string | null;
    /** Port its command line names, or the rule's port. */
    port: number | null;
    defaultPort: number | null;
    health: HealthPlan;
}
export interface DiscoveryOptions {
    procRoot?: string;
    /** Whether a pid is a process (default: pidfd_open on the real /proc, none on another root). */
    pidKind?: (pid: number) => PidKind;
    /** Use the built-in catalog (default true). */
    catalog?: boolean;
    rules?: readonly WatchRule[];
    /** List /proc (forgetting ended processes) every N scans (default 60). */
    listEvery?: number;
    /** Re-read every pid's stat every N scans (default 600). */
    fullEvery?: number;
    onError?: (e: unknown) => void;
}
export declare const LIST_EVERY_N = 60;
export declare const FULL_SCAN_EVERY_N = 600;
export declare class Discovery {
    private readonly opts;
    private readonly procRoot;
    private readonly entries;
    /** pid → ticks left to re-read a pid that was still its parent's fork. */
    private readonly forks;
    private readonly rules;
    private readonly portRules;
    /** Listening socket inode → owner pid (null: searched, not found or not readable). */
    private readonly portOwners;
    private readonly lastPidReader;
    private lastPid;
    private pidMax;
    private readonly kind;
    private tick;
    /** Reads so far, by kind (tests and benchmarks). */
    readonly reads: {
        listings: number;
        probes: number;
        stat: number;
        cmdline: number;
        exe: number;
        fdScans: number;
    };
    constructor(opts?: DiscoveryOptions);
    /** Processes recognised since the last scan. */
    scan(): Candidate[];
    /** Parent pid and comm as last read; null when unknown. */
    process(pid: number): {
        pid: number;
        ppid: number;
        comm: string;
        startTime: number;
    } | null;
    /** Known children of pid (as of the last listing). */
    childrenOf(pid: number): {
        pid: number;
        comm: string;
    }[];
    get size(): number;
    close(): void;
    /** The last pid handed out (-1 when unknown), remembered for the next tick. */
    private readLastPid;
    /** Probe the pids handed out after `prev` up to `last` (wrapping at pid_max); false when too many to probe. */
    private probeRange;
    private list;
    private stat;
    /** Read the command line of a known pid and recognise it. */
    private examine;
    private facts;
    private recognise;
    /** Owners of listening sockets on the ports that rules name, found once per socket. */
    private scanPorts;
    /** The process holding a socket inode: newest processes first (a new server is the likely owner). */
    private ownerOf;
}
