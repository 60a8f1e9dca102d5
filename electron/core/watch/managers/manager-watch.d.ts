import type { WatchEvent, WatchedServer } from '../../../common/watch.js';
import type { Logger } from '../../diagnostics.js';
import { getJson } from '../health.js';
import type { ManagerAdapter } from './types.js';
export declare const MANAGERS: readonly ManagerAdapter[];
export declare const adapterOf: (v: WatchedServer) => ManagerAdapter | null;
export interface ManagerWatchOptions {
    /** Something a view shows changed between ticks (an answer arrived): republish. */
    onChange?: () => void;
    /** Regular pace of each manager's API (default 5000 ms). */
    pollMs?: number;
    timeoutMs?: number;
    procRoot?: string;
    logger?: Logger;
    /** GET a JSON document (tests pass their own server's address through the real one). */
    getJson?: typeof getJson;
}
export declare class ManagerWatch {
    private readonly opts;
    /** Bumped when a manager's view or a server's name changed: hosts republish when it moves. */
    version: number;
    private readonly states;
    private readonly everReady;
    private last;
    private closed;
    constructor(opts?: ManagerWatchOptions);
    /** Per tick, with the watcher's list: start or end watching managers, read the due ones. */
    update(all: readonly WatchedServer[], now?: number): void;
    /** A watcher event: a birth, death or OOM kill of a manager's server reads that manager at once. */
    onEvent(e: WatchEvent): void;
    /** The list with each manager's view and each server's model by its manager's name. */
    decorate(all: readonly WatchedServer[], now?: number): WatchedServer[];
    close(): void;
    private nameOf;
    private viewOf;
    private checkChanged;
    private poll;
    private answer;
}
