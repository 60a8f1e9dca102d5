// The WebSocket side of `window.vigil`: requests are validated and sent to
// the service, state snapshots are pushed (throttled, latest always sent),
// log chunks go to the clients subscribed to that backend.
import type { WebSocket, WebSocketServer } from 'ws';
import type { Unsubscribe, VigilService } from '../common/api.js';
import { BackendId } from '../common/api.js';
import type { ClientMessage, ServerMessage } from '../common/ws-protocol.js';
import type { VigilState } from '../common/state.js';
import { dispatch, isRequestName } from './dispatch.js';
import { throttleLatest } from './throttle.js';

/** At most 20 state pushes a second: the UI cannot show more, and JSON of 50 backends is not free. */
export const STATE_PUSH_INTERVAL_MS = 50;

export interface Bridge {
  /** Push something to every client (e.g. focus). */
  broadcast(msg: ServerMessage): void;
  close(): void;
}

export function attachBridge(wss: WebSocketServer, service: VigilService, log: (msg: string) => void): Bridge {
  const clients = new Set<WebSocket>();
  const send = (ws: WebSocket, msg: ServerMessage | string): void => {
    if (ws.readyState === ws.OPEN) ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  };
  const stateThrottle = throttleLatest<VigilState>(STATE_PUSH_INTERVAL_MS, (state) => {
    const text = JSON.stringify({ type: 'state', state } satisfies ServerMessage);
    for (const ws of clients) send(ws, text);
  });
  const unsubscribeState = service.subscribe((s) => stateThrottle.push(s));

  wss.on('connection', (ws: WebSocket) => {
    clients.add(ws);
    const logSubs = new Map<string, Unsubscribe>();
    send(ws, { type: 'state', state: service.getState() });

    ws.on('message', (data, isBinary) => {
      let msg: ClientMessage;
      try {
        if (isBinary) throw new Error('binary frames are not part of the protocol');
        msg = JSON.parse(data.toString()) as ClientMessage;
        if (typeof msg !== 'object' || msg === null) throw new Error('message is not an object');
      } catch (e) {
        log(`ws: dropped a bad message: ${(e as Error).message}`);
        return;
      }
      if (msg.type === 'request') {
        const id = msg.id;
        if (typeof id !== 'number') return;
        if (!isRequestName(msg.method)) {
          send(ws, { type: 'response', id, ok: false, error: `unknown method '${String(msg.method)}'` });
          return;
        }
        dispatch(service, msg.method, msg.payload).then(
          (result) => send(ws, { type: 'response', id, ok: true, result }),
          (e: Error) => send(ws, { type: 'response', id, ok: false, error: e.message }),
        );
      } else if (msg.type === 'subscribeLogs' || msg.type === 'unsubscribeLogs') {
        const backend = BackendId.safeParse(msg.backend);
        if (!backend.success) return;
        const idStr = backend.data;
        if (msg.type === 'subscribeLogs') {
          if (!logSubs.has(idStr)) logSubs.set(idStr, service.subscribeLogs(idStr, (chunk) => send(ws, { type: 'log', chunk })));
        } else {
          logSubs.get(idStr)?.();
          logSubs.delete(idStr);
        }
      }
    });
    ws.on('close', () => {
      clients.delete(ws);
      for (const u of logSubs.values()) u();
      logSubs.clear();
    });
    ws.on('error', (e) => log(`ws: ${e.message}`));
  });

  return {
    broadcast(msg) {
      const text = JSON.stringify(msg);
      for (const ws of clients) send(ws, text);
    },
    close() {
      unsubscribeState();
      stateThrottle.cancel();
      for (const ws of clients) ws.terminate();
      clients.clear();
    },
  };
}
