import type { OomKill } from '../../common/state.js';
import type { WatchEvent, WatchedServer } from '../../common/watch.js';
import { type WatchConfig, type WatchConfigInput } from '../../common/watch-schema.js';
import { type Logger } from '../diagnostics.js';
import { type WatchAttribution } from './attribute.js';
import { Discovery } from './discovery.js';
import { type AdoptionSpec } from './actions.js';
/** Processes Vigil owns (its backends): never watched. Backends lead their own session, so their pgid/sid covers their trees. */
export interface OwnedProcesses {
    pids?: Iterable<number>;
    pgids?: Iterable<number>;
    /** A process whose children are all owned: Vigil itself, which spawns its backends directly (an exited one is still its child, with no pid in the state). */
    parent?: number;
}
export interface WatcherOptions {
    config?: WatchConfigInput | WatchConfig;
    procRoot?: string;
    onEvent?: (e: WatchEvent) => void;
    logger?: Logger;
    /** Re-read every pid's stat every N ticks, to notice a process that exec'd a server long after it started (default 600). */
    fullEvery?: number;
    /** Keep an exited server listed this long (OOM lines may arrive late; the dashboard shows what happened). */
    goneRetentionMs?: number;
}
export declare class Watcher {
    private readonly opts;
    readonly config: WatchConfig;
    private readonly procRoot;
    private readonly discovery;
    /** By id: an exited server stays listed while a new process may already have its pid. */
    private readonly tracked;
    /** Matches that Vigil owns (listed once it no longer does), or that `ignore` covers, by pid. */
    private readonly parked;
    private readonly ignore;
    private readonly logger;
    private readonly listeners;
    private readonly boot;
    private readonly actions;
    private stopTimer;
    private readonly host;
    /** OOM kills of the last minutes, for servers found after their kill's line arrived. */
    private readonly recentKills;
    /** Ids of kills already attributed (a kill has one victim). */
    private readonly attributed;
    /** Bumped on every change a view shows: hosts republish when it moves. */
    version: number;
    constructor(opts?: WatcherOptions);
    /** What discovery has read so far (tests and benchmarks). */
    get reads(): Readonly<Discovery['reads']>;
    /** Subscribe to events; returns the unsubscribe function. */
    on(listener: (e: WatchEvent) => void): () => void;
    /** Every watched server, newest state (copies). */
    list(): WatchedServer[];
    get(id: string): WatchedServer | null;
    /** Tick on a timer of its own (hosts with a shared tick call tick() instead). */
    start(intervalMs?: number, owned?: () => OwnedProcesses): void;
    /** One round: find new servers, read each watched one's state, probe the due ones. */
    tick(owned?: OwnedProcesses): void;
    /**
     * Feed an OOM kill (from the kernel-log watcher); returns the server it was
     * attributed to. The kill is also kept a while: its line often arrives
     * before the tick that finds its victim (a server killed within a second
     * of starting, found as a zombie), which then takes it.
     */
    attributeKill(kill: OomKill): (WatchAttribution & {
        server: WatchedServer;
    }) | null;
    /** Stop a watched server with a signal through its pidfd (SIGTERM, then SIGKILL after graceMs). */
    stop(id: string, opts?: {
        signal?: NodeJS.Signals;
        graceMs?: number;
    }): Promise<{
        ok: boolean;
        detail: string;
    }>;
    /** Restart a watched server's systemd unit (`systemctl [--user] restart UNIT`). */
    restartUnit(id: string): Promise<{
        ok: boolean;
        detail: string;
    }>;
    /** What adopting needs: the same argv, working directory and (when readable) environment. */
    adoptionSpec(id: string): AdoptionSpec | null;
    /** Stop watching one server (its pidfd closes). */
    forget(id: string): void;
    close(): void;
    private byId;
    private watchedId;
    private stat;
    private admit;
    /** Attribute one kill (to `only`, when given), once. */
    private attribute;
    private ref;
    private setStatus;
    /** Per tick: state from stat (T, Z, gone), RSS, and the due probes and detail reads. */
    private refresh;
    /** Parent and children (and whether it is its unit's only process). */
    private refreshFamily;
    private emit;
    private drop;
}
