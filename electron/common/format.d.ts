import type { ExitInfo } from './state.js';
/** Local wall-clock time 'HH:MM:SS' (24-hour). */
export declare function formatClock(ms: number): string;
/** 1536 → '1.5 KiB'. Binary units, because that is what /proc and cgroup limits use. */
export declare function formatBytes(bytes: number | null | undefined): string;
/** Kernel log figures are in kB (KiB). */
export declare function formatKb(kb: number | null | undefined): string;
/** 65_000 → '1m 05s', 300 → '300 ms'; 2 units at most, largest first. */
export declare function formatDuration(ms: number | null | undefined): string;
/**
 * Time elapsed on a clock shown each second (an uptime, a time since an
 * exit): whole seconds, so it never flickers as a ms count: 184 → '0s',
 * 65_400 → '1m 05s'.
 */
export declare function formatElapsed(ms: number | null | undefined): string;
/**
 * How long ago something happened, for a line re-read while it ages:
 * 'just now' under a second (milliseconds of an age are noise to a reader),
 * then formatDuration's words: '37s ago', '1m 05s ago'.
 */
export declare function formatAgo(ms: number | null | undefined): string;
/**
 * Time left until something planned (a restart in backoff), rounded up to the
 * second so a countdown never reads 'in 0s' before its moment: 19_001 → '20s'.
 */
export declare function formatCountdown(ms: number | null | undefined): string;
/** How a process ended, from its status alone: 'exited with code 3', 'killed by SIGKILL (core dumped)'; null when the status is unknown. */
export declare function describeExitStatus(exit: Pick<ExitInfo, 'code' | 'signal' | 'signalName' | 'coreDumped'>): string | null;
/** One line for a process exit, as the card shows it; the core words its exit reasons with describeExitStatus too. */
export declare function describeExit(exit: ExitInfo): string;
/** A config problem as one line: 'config.yaml:12:5 backends.llama.port: expected a number'. */
export declare function formatConfigIssue(i: {
    file: string;
    line: number | null;
    column: number | null;
    field: string | null;
    message: string;
}): string;
