export declare const plain: (text: string) => string;
export type EarlyoomLine = {
    kind: 'kill';
    pid: number;
    comm: string;
    uid: number | null;
    sigkill: boolean;
    rssMiB: number | null;
    oomScoreAdj: number | null;
} | {
    kind: 'cancel';
} | {
    kind: 'confirm';
} | {
    kind: 'neutral';
} | {
    kind: 'dryrun-on';
} | {
    kind: 'start';
};
/** What an earlyoom line means; null when it is not earlyoom's (for lines of unknown origin). */
export declare function earlyoomLine(raw: string, fromEarlyoom: boolean): EarlyoomLine | null;
export type OomdLine = {
    kind: 'kill';
    path: string;
} | {
    kind: 'attempt';
    pid: number;
} | {
    kind: 'decision';
} | {
    kind: 'unit-kill';
    unit: string;
} | {
    kind: 'notice';
};
/** What a systemd-oomd or PID 1 line means; null when it is neither's. */
export declare function oomdLine(text: string): OomdLine | null;
