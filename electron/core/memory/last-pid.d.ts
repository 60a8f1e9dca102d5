export declare function lastPidOf(b: Uint8Array, n: number): number;
/** Reads the last pid handed out through one kept-open /proc/loadavg fd. */
export declare class LastPidReader {
    private readonly procRoot;
    private readonly onError?;
    private fd;
    constructor(procRoot: string, onError?: ((e: unknown) => void) | undefined);
    /** The last pid, or null when /proc/loadavg cannot be read. */
    read(): number | null;
    close(): void;
}
