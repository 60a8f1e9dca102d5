import type { Logger } from '../diagnostics.js';
export declare const PID_HISTORY_FILE = "pid-history.json";
/**
 * The kernel stamps its log on its own clock, which drifts from the wall
 * clock over a long uptime; a kill this close to a span still counts as in it.
 */
export declare const CLOCK_SLACK_MS = 10000;
/** Spans kept per backend (the oldest ended ones go first). */
export declare const SPANS_PER_BACKEND = 64;
/** Spans that ended longer ago than this are dropped: no kernel log reaches that far back. */
export declare const MAX_AGE_MS: number;
export interface LeaderView {
    id: string;
    pid: number | null;
    /** ms since epoch when the process started, when known. */
    startedAt: number | null;
}
export declare class PidHistory {
    readonly file: string;
    private readonly logger;
    private readonly loadedAt;
    private readonly spans;
    /** What the last observations showed live, per backend: the leader and the tree. */
    private readonly leaders;
    private readonly trees;
    /** Spans a previous Vigil left open, closed at load: reopened if the same process still runs (adopted). */
    private readonly closedAtLoad;
    /** Backends whose leader from before the load still runs. */
    private readonly resumed;
    private dirty;
    private timer;
    private constructor();
    /** Load the history a previous Vigil left in `stateDir` (none, torn or foreign: start empty). */
    static open(stateDir: string, logger: Logger, now?: number): PidHistory;
    /** The backends' leaders as the state shows them now (called on every state change). */
    observeLeaders(backends: readonly LeaderView[], now?: number): void;
    /** One memory sample: each sampled backend's process-tree pids at `time`. */
    observeTrees(trees: ReadonlyMap<string, readonly number[]>, time?: number): void;
    /** The backend whose process `pid` was at `time` (null: now), or null. */
    ownerOf(pid: number, time: number | null): string | null;
    /** Write now if anything changed (shutdown). */
    flush(): void;
    close(): void;
    private begin;
    /** A pid left one view (leader or tree); its span ends once it is in neither. */
    private endIfGone;
    private prune;
    private changed;
}
