// IPC channel names, apart from api.ts so the sandboxed preload can import
// them without bundling zod (api.ts re-exports them unchanged).
import type { RequestName } from './request-names.js';

/** IPC channel names (Electron) — also the `method` field on the WebSocket bridge. */
export const CHANNELS = {
  request: (name: RequestName) => `vigil:${name}` as const,
  /** main → renderer: a versioned state message (StateMessage: a snapshot or a delta). */
  state: 'vigil:state',
  /** renderer → main: send me a snapshot (at load, or after a missed delta). */
  stateResync: 'vigil:state-resync',
  /** renderer → main: subscribe/unsubscribe to a backend's log lines. */
  logSubscribe: 'vigil:log-subscribe',
  logUnsubscribe: 'vigil:log-unsubscribe',
  /** main → renderer: new log lines (LogChunk). */
  log: 'vigil:log',
  /** main → renderer: focus a backend (from a notification click). */
  focus: 'vigil:focus',
} as const;
