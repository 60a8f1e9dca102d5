import type { VigilEvent } from '../../common/state.js';
/** A write that failed; `written` whole lines of the batch are in the file (the first ones). */
export declare class JournalWriteError extends Error {
    readonly cause: NodeJS.ErrnoException;
    readonly written: number;
    constructor(cause: NodeJS.ErrnoException, written: number);
    get code(): string;
}
export declare class JournalFiles {
    readonly dir: string;
    private readonly keep;
    private readonly maxBytes;
    private readonly warn;
    private fd;
    private size;
    /** The live file ends inside a line (a crash, or a batch that could not be cut back). */
    private torn;
    /** Why the last rotation failed (the live file then grows past maxBytes), or null. */
    rotateError: NodeJS.ErrnoException | null;
    /** Corrupt lines already warned about, so each is reported once however often it is read. */
    private readonly warned;
    constructor(dir: string, keep: number, maxBytes: number, warn: (msg: string) => void);
    get livePath(): string;
    get isOpen(): boolean;
    /** Opens (creating) the live file if it is not open; throws when it cannot. */
    open(): void;
    /** Appends whole lines (each ending in a newline); with `sync`, fsyncs them. */
    write(lines: string[], sync: boolean): void;
    close(): void;
    /** The journal's files, oldest first. */
    private files;
    /** Every event in the rotated files and the live one, oldest file first; corrupt lines skipped (warned once). */
    readAll(): VigilEvent[];
    /**
     * Events newest first, read from the end of the newest file backwards in
     * chunks, until `take` returns false: a query for the last 200 events reads
     * a few KiB, not every file the journal keeps.
     */
    readBackwards(take: (ev: VigilEvent) => boolean): void;
    private parseLine;
    /**
     * After a failed write of `data` of which `off` bytes went in: cut the file
     * back to `before` when possible (nothing of the batch stays); otherwise keep
     * the whole lines that made it and remember that the file ends mid-line.
     * Returns how many of the batch's lines are in the file.
     */
    private keepPartial;
    private lastByte;
    /** Shifts events.N.jsonl up by one and starts a new live file; on failure the old one stays live. */
    private rotate;
}
