/** How much of the log an exit looks at (the newest bytes of this process's output). */
export declare const LOG_TAIL_BYTES: number;
export declare class PortChoice {
    private configured;
    private current;
    private rechoose;
    constructor(configured: number | 'auto');
    /** The port of the running (or last) process; null before its first start. */
    get port(): number | null;
    setConfigured(port: number | 'auto'): void;
    /** The port for the next spawn: synchronous when known, so a restart waits for nothing. */
    next(): number | Promise<number>;
    /** The process on `port` was started (or adopted). */
    use(port: number | null): void;
    /**
     * After an exit: did the process say its port was taken? Then, for an
     * auto port, the next start picks another. Returns what to tell the user,
     * or null when the log says nothing of the kind.
     */
    conflict(logTail: string): string | null;
}
/** Up to `max` bytes of a file from `offset` (the newest ones when there are more); '' when unreadable. */
export declare function readLogTail(file: string, offset: number, max?: number): string;
