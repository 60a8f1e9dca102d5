import type { NotificationConstructorOptions, Notification as NotificationT } from 'electron';
import type { BackendView, VigilEvent, VigilState } from '../common/state.js';
import { type WatchedNoticeKind } from './watched-notices.js';
export type NoticeKind = 'oom' | 'crash' | 'failed' | 'unhealthy' | 'warning' | 'recovered' | WatchedNoticeKind;
export interface NotifierDeps {
    Notification: new (opts: NotificationConstructorOptions) => NotificationT;
}
export interface NotifierOptions {
    onClick(backendId: string | null): void;
    /** Per backend+kind (default 30 s). */
    minIntervalMs?: number;
    now?: () => number;
}
export interface Notice {
    kind: NoticeKind;
    backend: string | null;
    title: string;
    body: string;
    /**
     * Set for an exit or OOM kill of this pid: what the supervisor does next is
     * added to the body once the backend's state has moved past the exit (the
     * store publishes the exit a moment before the transition that follows).
     */
    afterExitOf?: number | null;
    /** Rate-limit key when not backend+kind (a watched server's). */
    key?: string;
}
/**
 * The backend's state has moved past the exit of `pid`: held, waiting to
 * restart, stopped, or a new process runs. `exited` is a moment on the way
 * to backoff or failed, except where the policy leaves it there.
 */
export declare function pastExit(b: BackendView | undefined, pid: number | null): boolean;
export interface Notifier {
    update(state: VigilState): void;
}
/** The notices a batch of new events (and new alerts) call for; pure. */
export declare function noticesFor(events: readonly VigilEvent[], state: VigilState, newAlerts: VigilState['alerts'], crashed: Set<string>): Notice[];
/** The notice as shown: with what the supervisor does next once that is known. */
export declare function completed(n: Notice, b: BackendView | undefined, now: number): Notice;
export declare function createNotifier(deps: NotifierDeps, opts: NotifierOptions): Notifier;
