import type { OomKill } from '../../common/state.js';
import type { NormalisedLine } from './line-shapes.js';
export type KillFields = {
    pid: number;
    comm: string;
    scope: 'global' | 'memcg';
    constraint: string | null;
    memcg: string | null;
    uid: number | null;
    trigger: OomKill['trigger'];
};
export type MakeKill = (line: NormalisedLine, idText: string, f: KillFields, killer: OomKill['killer']) => OomKill;
export declare class UserSpaceKillers {
    private readonly make;
    private pending;
    private lastEarlyoom;
    /** earlyoom instances (by sender pid) started with --dryrun. */
    private dryRun;
    private attempts;
    private recentUnits;
    private lineNo;
    constructor(make: MakeKill);
    /** Wall-clock ms since a kill waits for its confirming line, or null. */
    pendingSince(): number | null;
    flush(): OomKill[];
    /** The kills this line completes; null when the line is neither earlyoom's nor systemd's. */
    push(line: NormalisedLine): OomKill[] | null;
    private earlyoom;
    private oomd;
    /** Kills for the pids named so far: of the cgroup `by` names, or (null) each on its own. */
    private claimAttempts;
}
