import { type LogChunk, type VigilService } from '../common/api.js';
export interface LogSubscriptions {
    /** Starts forwarding the logs of `id`; ignores an invalid id or one already followed. */
    subscribe(id: unknown): void;
    unsubscribe(id: unknown): void;
    /** Drops every subscription of this client. */
    dispose(): void;
}
export declare function logSubscriptions(service: VigilService, send: (chunk: LogChunk) => void): LogSubscriptions;
