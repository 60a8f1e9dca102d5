export interface KmsgRecord {
    /** syslog facility (prio >> 3); 0 = kernel. */
    facility: number;
    /** syslog level (prio & 7); 3 = err, the OOM killer's level. */
    level: number;
    seq: number;
    /** CLOCK_MONOTONIC µs when the kernel logged it. */
    usec: number;
    /** '-' for a complete record, 'c'/'+' for continuation fragments (old kernels). */
    flags: string;
    text: string;
    /** KEY=value continuation lines (SUBSYSTEM, DEVICE…). */
    meta: Record<string, string>;
}
/** Decode the kernel's \xNN escapes (a literal backslash arrives as \x5c). */
export declare function unescapeKmsg(text: string): string;
/** Parse one record; null when the text is not a kmsg record (never throws). */
export declare function parseKmsgRecord(record: string): KmsgRecord | null;
