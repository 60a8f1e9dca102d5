import type { KernelLogSourceKind, OomKill } from '../../common/state.js';
import type { NormalisedLine } from './line-shapes.js';
export interface OomParserOptions {
    /** What OomKill.source says (the watcher knows; a file scan says 'none'). */
    source?: KernelLogSourceKind;
}
interface KilledFields {
    message: string | undefined;
    pid: number;
    comm: string;
    uid: number | null;
    totalVmKb: number | null;
    anonRssKb: number | null;
    fileRssKb: number | null;
    shmemRssKb: number | null;
    oomScoreAdj: number | null;
    text: string;
}
/** Parse "… Killed process N (comm) total-vm:…" in all kernel and distro forms; null when not one. */
export declare function parseKilledLine(text: string): KilledFields | null;
export declare class OomParser {
    private incident;
    private readonly source;
    private readonly userSpace;
    constructor(opts?: OomParserOptions);
    private static fresh;
    /** Wall-clock ms since a kill waits for a line that may complete or cancel it, null when none waits (live sources flush after a grace period). */
    pendingSince(): number | null;
    /** Feed one line; returns the kills this line completes. Never throws. */
    push(line: NormalisedLine): OomKill[];
    /** End of input: report what the open incident still holds. */
    flush(): OomKill[];
    private pushUnsafe;
    /**
     * The kernel rate-limits every line of an OOM but the Killed one, so lines
     * after a kill (another Killed line, a summary, a cgroup line) belong to
     * another OOM whose first lines were dropped: they must not inherit this
     * one's cgroup and trigger. Under memory.oom.group one OOM kills the whole
     * cgroup, and its Killed lines share the context.
     */
    private afterKill;
    private at;
    /** A line far from the incident's start begins a new one (lines of one OOM are µs apart). */
    private maybeGap;
    /** Close the incident: a summary that no Killed line consumed is still a kill. */
    private finishIncident;
    private killFromKernel;
    private base;
}
/** Parse a whole list of lines (saved logs, tests). */
export declare function parseLines(lines: Iterable<NormalisedLine>, opts?: OomParserOptions): OomKill[];
export {};
