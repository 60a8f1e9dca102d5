import type { WatchedServer } from '../../electron/common/watch.js';
export declare function watchedView(over?: Partial<WatchedServer>): WatchedServer;
