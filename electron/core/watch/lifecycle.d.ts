import type { Tracked, WatchHost } from './tracked.js';
/** It exited: `live` when the pidfd said so the moment it happened, false when found exited. */
export declare function onExit(host: WatchHost, t: Tracked, live: boolean): void;
/** Still a zombie past the grace period: flag it, and watch the parent whose end hands it to init. */
export declare function checkZombie(host: WatchHost, t: Tracked): void;
/** A tick's (or the orphan poll's) look at a zombie: gone, or who its parent is now. */
export declare function recheckZombie(host: WatchHost, t: Tracked, now?: number): void;
/** Reaped: by the parent it had, or by init (or a subreaper) after that parent ended. */
export declare function markGone(host: WatchHost, t: Tracked, now: number): void;
/** Close what watching it holds (pidfds, probe connection, timers). */
export declare function release(t: Tracked): void;
