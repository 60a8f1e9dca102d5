import type { Gauge } from 'prom-client';
import type { WatchedServer } from '../common/watch.js';
export interface WatchedGauges {
    up: Gauge<'server' | 'kind'>;
    zombie: Gauge<'server'>;
}
/** The `server` label of a watched server: 'ollama.service', 'llama-server:8080', 'llama-server:41233'. */
export declare function watchedSeriesName(s: WatchedServer): string;
export declare function collectWatched(g: WatchedGauges, watched: readonly WatchedServer[]): void;
