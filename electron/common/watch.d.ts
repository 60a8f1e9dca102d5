import type { WatchUnit, WatchedServer } from './watch-types.js';
export { WATCH_KIND_LABELS } from './watch-types.js';
export type { ManagedServer, ManagerClaim, ManagerDiscrepancy, ManagerView, WatchKind, WatchListen, WatchProcessRef, WatchStatus, WatchUnit, WatchedServer } from './watch-types.js';
/** Vigil never learns a watched process's exit status: the kernel gives it only to the parent. */
export declare const WATCHED_EXIT_STATUS_NOTE = "exit status not available: Vigil is not its parent (the reason comes from the kernel log or its systemd unit)";
/** One line for the card, tray and notifications. */
export declare function describeWatched(s: WatchedServer, now: number): string;
export type WatchActionName = 'stop' | 'restart' | 'adopt';
export interface WatchAction {
    action: WatchActionName;
    available: boolean;
    /** Why it is not available, or what it will do (shown beside the button). */
    why: string;
    /** Confirmation question; null when the action is not available. */
    confirm: string | null;
    /** For restart: the exact command Vigil runs (argv, no shell). */
    argv: string[] | null;
}
export interface WatchActionContext {
    /** Vigil's own uid: signalling another user's process needs root. */
    uid: number;
}
/** systemctl argv restarting the server's unit; null without one. */
export declare function unitRestartArgv(unit: WatchUnit | null): string[] | null;
/**
 * The honest actions for a watched server. Stop signals it (through a pidfd,
 * never a recycled pid); restart goes through its systemd unit, the only
 * way to start it again as it was started; adopt stops it and starts the same
 * command line under Vigil. A zombie cannot be stopped or reaped by Vigil:
 * only its parent can collect it, or init once that parent is gone.
 */
export declare function watchActions(s: WatchedServer, ctx: WatchActionContext): WatchAction[];
/**
 * The actions a view offers (the card's buttons, the tray's items): stop and
 * adopt while the server runs, restart whenever a systemd unit runs it; each
 * allowed or not (with why) by watchActions. Nothing for a zombie without a
 * unit: Vigil can neither stop nor reap it.
 */
export declare function offeredWatchActions(s: WatchedServer, ctx: WatchActionContext): WatchAction[];
/** Why nothing is offered for a zombie: the line shown where a Reap button would be for a backend. */
export declare function watchedZombieNote(s: WatchedServer): string | null;
/**
 * discovered: a server is watched from now on; exited: its pidfd said it
 * ended (within milliseconds); zombie: it stayed unreaped past the grace
 * period; reaped: a flagged zombie is gone at last (its parent collected it,
 * or init did after the parent ended); unhealthy / recovered: stopped (T) or
 * not answering its API, and back; oom: an OOM kill was attributed to it.
 */
export type WatchEventKind = 'discovered' | 'exited' | 'zombie' | 'reaped' | 'unhealthy' | 'recovered' | 'oom';
export interface WatchEvent {
    kind: WatchEventKind;
    /** ms since epoch. */
    time: number;
    id: string;
    pid: number;
    /** One line for the journal, tray and notifications. */
    reason: string;
    /** The server as it is right after the event. */
    server: WatchedServer;
}
