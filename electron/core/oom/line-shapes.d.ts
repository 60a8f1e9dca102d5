export type LineSource = 'kernel' | 'earlyoom' | 'systemd-oomd' | 'other';
export interface NormalisedLine {
    text: string;
    /** The timestamp exactly as the line gave it, null when none. */
    timeText: string | null;
    /** ms since epoch when the shape allows it (no year in syslog → current year guessed). */
    time?: number | null;
    /** Kernel CLOCK_MONOTONIC µs ([  514.682838] or the kmsg usec field). */
    kernelUsec?: number;
    host?: string;
    source: LineSource;
    /** kmsg sequence number and boot id: together they make a stable kill id. */
    seq?: number;
    bootId?: string;
    /** Sender pid (syslog `ident[pid]`, journal _PID). */
    pid?: number;
}
export interface ShapeOptions {
    /** ms since epoch of boot, to turn kernel µs into wall time (kmsg records). */
    bootTimeMs?: number;
    bootId?: string;
    /** "now" for syslog lines without a year (tests pin it). */
    now?: number;
}
export declare const formatKernelStamp: (usec: number) => string;
/** Normalise one line (no trailing newline needed). Never throws. */
export declare function normaliseLine(raw: string, opts?: ShapeOptions): NormalisedLine;
/** `dmesg --json` output: one JSON document {"dmesg":[{pri,time,msg}…]}. Throws a clear Error on bad input. */
export declare function parseDmesgJson(doc: string, where?: string): NormalisedLine[];
/** True when a whole text looks like a `dmesg --json` document rather than lines. */
export declare const looksLikeDmesgJson: (text: string) => boolean;
