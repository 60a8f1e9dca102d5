import type { LogChunk, RequestName } from './api.js';
import type { VigilState } from './state.js';
export type ClientMessage = {
    type: 'request';
    id: number;
    method: RequestName;
    payload?: unknown;
} | {
    type: 'subscribeLogs';
    backend: string;
} | {
    type: 'unsubscribeLogs';
    backend: string;
};
export type ServerMessage = {
    type: 'response';
    id: number;
    ok: true;
    result: unknown;
} | {
    type: 'response';
    id: number;
    ok: false;
    error: string;
} | {
    type: 'state';
    state: VigilState;
} | {
    type: 'log';
    chunk: LogChunk;
} | {
    type: 'focus';
    backend: string;
};
/** Query parameter (page, API, WebSocket) and header carrying the access token. */
export declare const TOKEN_PARAM = "token";
export declare const TOKEN_HEADER = "authorization";
export declare const WS_PATH = "/ws";
