import type { ConnectionStatus, VigilApi } from '../../electron/common/api.js';
/** The part of the browser WebSocket the bridge uses (so tests can pass a fake). */
export interface SocketLike {
    send(data: string): void;
    close(): void;
    onopen: ((ev: unknown) => void) | null;
    onclose: ((ev: unknown) => void) | null;
    onerror: ((ev: unknown) => void) | null;
    onmessage: ((ev: {
        data: unknown;
    }) => void) | null;
}
export interface Timers {
    setTimeout(fn: () => void, ms: number): unknown;
    clearTimeout(handle: unknown): void;
}
export interface BridgeOptions {
    url: string;
    createSocket: (url: string) => SocketLike;
    timers?: Timers;
    /** First reconnect delay; doubles per failure up to maxBackoffMs. */
    initialBackoffMs?: number;
    maxBackoffMs?: number;
    /** A request unanswered this long (including time spent waiting for a connection) rejects. */
    requestTimeoutMs?: number;
    onProtocolError?: (message: string) => void;
}
export interface WsBridge extends VigilApi {
    /** Closes the socket for good (no reconnect). */
    close(): void;
    /** Current connection status. */
    readonly connection: ConnectionStatus;
}
/** Next reconnect delay: doubles from `initial`, capped at `max`. Exported for tests. */
export declare function backoffDelay(attempt: number, initial: number, max: number): number;
export declare function createWsBridge(opts: BridgeOptions): WsBridge;
