import type { ExitInfo, OomKill } from '../../common/state.js';
/** A notice this long after the exit still amends it; one this long before an exit still explains it. */
export declare const OOM_LATE_MS = 10000;
/**
 * What a notice means: it explains the last exit (`amend`), the live
 * leader's exit to come (`early`: remembered until then), or the death of
 * another process of the tree (`tree`).
 */
export type KillRoute = 'amend' | 'early' | 'tree';
export declare class OomCorrelation {
    private early;
    route(kill: OomKill, lastExit: ExitInfo | null, livePid: number | null, now?: number): KillRoute;
    /** The notice for `pid` received before its exit, if recent enough to explain it. */
    recent(pid: number, now?: number): OomKill | null;
    /**
     * The cgroup counter rose between exits: the pid to record as the victim
     * (the live leader, else the last exit's), or null when a notice already
     * said so.
     */
    counterVictim(livePid: number | null, lastExit: ExitInfo | null, now?: number): number | null;
    /**
     * What explains the exit of `pid`: a recent notice, the counter (when it
     * rose since the last look), or nothing. Only a recent notice counts: a
     * counter rise may come from another process of the tree while the leader
     * lives on for hours and then stops for another reason. Forgets the notice.
     */
    explainExit(pid: number, counterRose: boolean, now?: number): OomKill | 'counter' | null;
    /** A new process: notices about the old one are void. */
    reset(): void;
}
