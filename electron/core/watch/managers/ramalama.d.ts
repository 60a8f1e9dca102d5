import type { WatchedServer } from '../../../common/watch.js';
/** Whether the server's manager is RamaLama (its script's comm). */
export declare const startedByRamalama: (s: WatchedServer) => boolean;
export declare function ramalamaModel(s: WatchedServer): string | null;
