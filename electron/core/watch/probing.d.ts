import type { Tracked, WatchHost } from './tracked.js';
export declare function probeDue(host: WatchHost, t: Tracked, now: number): void;
export declare function unhealthy(host: WatchHost, t: Tracked, now: number, detail: string): void;
export declare function recovered(host: WatchHost, t: Tracked, now: number, detail: string): void;
