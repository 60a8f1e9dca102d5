export declare class LatencySmoother {
    private avg;
    /**
     * Fold one probe's latency in. Returns the figure to show when it differs
     * from `shown` and moved noticeably (or `force`: a transition follows),
     * else null.
     */
    fold(ms: number, shown: number | null, force: boolean): number | null;
    /** A new process: its latency starts afresh. */
    reset(): void;
}
