import type { OomKill } from '../../common/state.js';
import type { WatchedServer } from '../../common/watch.js';
export type AttributionBy = 'pid' | 'child' | 'unit' | 'memcg' | 'comm-time';
export interface WatchAttribution {
    id: string;
    by: AttributionBy;
}
/** Kernel comms are cut to 15 bytes; earlyoom prints the whole name. */
export declare function sameComm(a: string, b: string): boolean;
/** Within this many ms of a server's exit, a kill of the same comm (and no usable pid) is taken as its. */
export declare const COMM_TIME_WINDOW_MS = 5000;
/**
 * `knownElsewhere(pid)`: the pid is a process Vigil saw that is none of these
 * servers (so a kill naming it is that process's, whatever its comm).
 */
export declare function attributeWatchedKill(kill: OomKill, all: readonly WatchedServer[], knownElsewhere?: (pid: number) => boolean): WatchAttribution | null;
