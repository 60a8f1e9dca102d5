import { type WatchActionName, type WatchedServer } from '../common/watch.js';
export interface TrayWatchedAction {
    action: WatchActionName;
    label: string;
    enabled: boolean;
    /** Why it is disabled, or what it does. */
    why: string;
    /** Asked before the action runs. */
    confirm: string | null;
}
export interface TrayWatchedItem {
    id: string;
    label: string;
    actions: TrayWatchedAction[];
    /** A line shown disabled in the submenu (a zombie: who can reap it). */
    note: string | null;
}
/** Watched servers that count for the icon: a zombie or an unhealthy one is down. */
export declare const watchedDown: (watched: readonly WatchedServer[]) => boolean;
/** 'watched: 1 running, 1 zombie'; null when none is watched (gone ones are history). */
export declare function watchedTooltip(watched: readonly WatchedServer[]): string | null;
export declare function trayWatchedItems(watched: readonly WatchedServer[], uid: number): TrayWatchedItem[];
