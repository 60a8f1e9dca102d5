export declare const errnoOf: (e: unknown) => string | undefined;
/** A read that failed for a reason other than the file being gone. */
export declare class ReadFailure extends Error {
    readonly path: string;
    readonly code: string | undefined;
    constructor(path: string, code: string | undefined, cause: unknown);
}
/**
 * Text of a small procfs/sysfs file; null when it does not exist (ENOENT/ESRCH).
 * Throws ReadFailure for anything else (EACCES, EIO …) so callers can report once.
 */
export declare function readSmall(path: string): string | null;
/** readSmall, handing `parse` the bytes (valid only during the call) instead of making a string. */
export declare function readParse<T>(path: string, parse: (b: Buffer, n: number) => T): T | null;
/** The first `bytes` of a file as text (for files too big to read whole); null when it does not exist. */
export declare function readHead(path: string, bytes: number): string | null;
/**
 * Re-read a procfs file through an fd kept open across ticks: one pread
 * instead of open+read+close. An fd of /proc/<pid>/… stays bound to that
 * process, so it answers ESRCH (→ null) once the process is gone and can
 * never show a newer process that reused the pid.
 */
export declare function preadSmall(fd: number, pathForErrors: string): string | null;
/** preadSmall, handing `parse` the bytes (valid only during the call) instead of making a string. */
export declare function preadParse<T>(fd: number, pathForErrors: string, parse: (b: Buffer, n: number) => T): T | null;
/** open(2) for a kept fd; null when the file is gone. Throws ReadFailure otherwise. */
export declare function openSmall(path: string): number | null;
/**
 * A procfs/sysfs file re-read each tick through a kept fd (one pread instead
 * of open+read+close). Opened on first use, and again after the file was gone
 * or a read failed. Unlike a /proc/<pid>/ file, a system-wide one never goes stale.
 */
export declare class KeptFile {
    readonly path: string;
    private fd;
    constructor(path: string);
    /** Text, or null when the file does not exist. Throws ReadFailure for anything else. */
    read(): string | null;
    close(): void;
}
