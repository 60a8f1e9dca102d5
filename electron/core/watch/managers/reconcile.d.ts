import type { ManagerClaim, ManagerView, WatchedServer } from '../../../common/watch-types.js';
import type { ManagerAdapter, ManagerReading } from './types.js';
export interface ApiState {
    path: string;
    /** ms since epoch of the last answer read into claims; null before the first. */
    at: number | null;
    detail: string;
    reading: ManagerReading | null;
}
/**
 * A server's manager is this process: its parent was this pid, and it did
 * not start before the manager did (a pid reused by a later manager is not
 * the parent of a server gone before it).
 */
export declare function serversOf(m: WatchedServer, all: readonly WatchedServer[]): WatchedServer[];
export interface ReconcileInput {
    manager: WatchedServer;
    adapter: ManagerAdapter;
    api: ApiState | null;
    all: readonly WatchedServer[];
    /** Ids of servers that ever answered their API as ready. */
    everReady: ReadonlySet<string>;
    /** Whether a pid names a live process (a claim's pid that no watched server has). */
    pidAlive: (pid: number) => boolean;
    /** The model by the manager's name for one of its servers. */
    nameOf: (s: WatchedServer, claim: ManagerClaim | null) => string | null;
}
export declare function reconcile(inp: ReconcileInput): ManagerView;
