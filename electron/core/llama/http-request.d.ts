import { type Agent } from 'node:http';
export interface HttpTarget {
    host?: string;
    port: number;
    path: string;
    method?: 'GET' | 'POST';
    /** JSON body for POST. */
    body?: unknown;
    timeoutMs: number;
    /** Bearer token for servers started with --api-key. */
    apiKey?: string | null;
    /** Responses larger than this fail (a /props with a long chat template is tens of KiB). */
    maxBytes?: number;
    /** A keep-alive agent to reuse connections; default: a connection of its own, closed after. */
    agent?: Agent | false;
}
export interface HttpResponse {
    status: number;
    body: string;
    latencyMs: number;
}
/** Resolves with any HTTP status; rejects with a short reason ('timeout after 2000 ms', 'ECONNREFUSED'). */
export declare function httpRequest(t: HttpTarget): Promise<HttpResponse>;
