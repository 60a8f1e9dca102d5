// Wire format of the headless host's WebSocket bridge (`/ws?token=…`). It
// carries exactly the `window.vigil` contract of api.ts, so the renderer works
// the same over Electron IPC and over the network.
import type { LogChunk, RequestName } from './api.js';
import type { VigilState } from './state.js';

export type ClientMessage =
  | { type: 'request'; id: number; method: RequestName; payload?: unknown }
  | { type: 'subscribeLogs'; backend: string }
  | { type: 'unsubscribeLogs'; backend: string };

export type ServerMessage =
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: string }
  | { type: 'state'; state: VigilState }
  | { type: 'log'; chunk: LogChunk }
  | { type: 'focus'; backend: string };

/** Query parameter (page, API, WebSocket) and header carrying the access token. */
export const TOKEN_PARAM = 'token';
export const TOKEN_HEADER = 'authorization'; // "Bearer <token>"
export const WS_PATH = '/ws';
