import type { VigilEvent } from '../common/state.js';
export type WatchedNoticeKind = 'watched-zombie' | 'watched-oom' | 'watched-unhealthy' | 'watched-exit';
export interface WatchedNotice {
    kind: WatchedNoticeKind;
    /** Rate-limit key: one server and kind. */
    key: string;
    title: string;
    body: string;
}
export declare function watchedNotices(events: readonly VigilEvent[]): WatchedNotice[];
