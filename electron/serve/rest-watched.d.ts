import type { VigilService } from '../common/api.js';
export interface WatchedRestResult {
    status: number;
    body: unknown;
}
/** Handles /api/watched…; null when no route matches. Throws RequestError for a malformed id. */
export declare function handleWatchedRest(service: VigilService, method: string, parts: readonly string[]): Promise<WatchedRestResult | null>;
