// Wire format of the headless host's WebSocket bridge (`/ws?token=…`). It
// carries exactly the `window.vigil` contract of api.ts, so the renderer works
// the same over Electron IPC and over the network.
import type { LogChunk } from './api.js';
import type { RequestName } from './request-names.js';
import type { StateMessage } from './state-delta.js';

export type ClientMessage =
  | { type: 'request'; id: number; method: RequestName; payload?: unknown }
  | { type: 'subscribeLogs'; backend: string }
  | { type: 'unsubscribeLogs'; backend: string }
  /** Send me a state snapshot (after a missed delta; each connection starts with one). */
  | { type: 'resync' };

export type ServerMessage =
  | { type: 'response'; id: number; ok: true; result: unknown }
  | { type: 'response'; id: number; ok: false; error: string }
  /** A snapshot ({ version, state }) or the delta from the version before ({ version, from, delta }). */
  | ({ type: 'state' } & StateMessage)
  | { type: 'log'; chunk: LogChunk }
  | { type: 'focus'; backend: string };

/** Query parameter (page, API, WebSocket) and header carrying the access token. */
export const TOKEN_PARAM = 'token';
export const TOKEN_HEADER = 'authorization'; // "Bearer <token>"
export const WS_PATH = '/ws';
