import { ProcessTable, type StatusFields } from './processes.js';
/**
 * Re-read every pid's stat once a minute (at 1 Hz). Between full scans only
 * new pids are read; a pid outside every tree can join one only by being
 * adopted by a subreaper backend, which this bounds. Reading them every 10th
 * tick instead (≈270 files on a desktop) would cost a tenth of an idle Vigil's
 * sampling CPU.
 */
export declare const FULL_SCAN_EVERY_N = 60;
/**
 * A tree pid's full status every N ticks (staggered by pid, and on its first
 * tick); statm in between. statm is a few numbers the kernel reads from the
 * mm counters; status formats ~55 lines and takes the signal lock, ≈4× the
 * kernel time here. statm gives RSS and its anon/(file+shmem) split; the
 * file/shmem split, swap and the PPid/NSsid that place the pid in a tree come
 * from the last status read (at most N−1 s old; a new pid or a full scan
 * still finds a changed tree at once).
 */
export declare const STATUS_EVERY_N = 10;
/** This machine's page size (statm counts pages): KernelPageSize of our own first mapping; 4096 when unreadable. */
export declare function pageSize(): number;
export interface ScanResult {
    table: ProcessTable;
    /** Tree of each requested root pid (see ProcessTable.treeOf), only pids whose status was read this tick. */
    trees: Map<number, number[]>;
    /** Status (memory and ids) of every pid in `trees`. */
    memory: Map<number, StatusFields>;
}
export declare class ProcessScanner {
    private readonly procRoot;
    private readonly fullEvery;
    private readonly onError?;
    private readonly entries;
    /** Kept fds and last status of tree pids. */
    private readonly kept;
    private keptFds;
    /** Reads so far, by kind (tests and benchmarks). */
    readonly reads: {
        status: number;
        statm: number;
    };
    private tick;
    /** Kept fd of loadavg; null when there is none (then /proc is listed every tick). */
    private lastPid;
    /** Table and trees of the last scan, reused while `dirty` is false and the roots are the same. */
    private table;
    private trees;
    private roots;
    private dirty;
    /** fullEvery: re-read every pid's stat every N scans (bounds any staleness, e.g. a subreaper adopting). */
    constructor(procRoot?: string, fullEvery?: number, onError?: ((e: unknown) => void) | undefined);
    private readonly lastPidReader;
    scan(roots: readonly number[]): ScanResult;
    /** Close every kept fd (the sampler calls this on stop). */
    close(): void;
    /**
     * Whether a pid was handed out since the last call (true when unknown).
     * Without one, no process (or thread) was created, so listing /proc would
     * find nothing new; vanished pids outside the trees may linger until a
     * listing, which is harmless (a tree pid's own status read notices its end).
     */
    private pidsHandedOut;
    private listPids;
    private readStat;
    private release;
    /** An fd kept for `file`; null when over the budget or the file is gone. Throws ReadFailure. */
    private keep;
    /** A tree pid's file through its kept fd (open+read+close when over the fd budget); null when gone. Throws ReadFailure. */
    private readPidFile;
    /** Memory of a tree pid into `memory` (statm, or status on its turn); true when the table changed (pid gone, or new parent/session). */
    private readMemory;
    /** Read status into `memory`; true when the table changed (pid gone, or new parent/session). */
    private readStatus;
}
