import type { IncomingMessage } from 'node:http';
import type { VigilService } from '../common/api.js';
export interface RestResult {
    status: number;
    body: unknown;
}
/** Whether this route changes state (and so needs the same-origin check). */
export declare function isStateChanging(method: string | undefined): boolean;
/** Handles /api/…; null when no route matches. Throws RequestError for bad input. */
export declare function handleRest(service: VigilService, req: IncomingMessage, url: URL): Promise<RestResult | null>;
