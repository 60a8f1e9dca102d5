// The WebSocket side of `window.vigil`: requests are validated and sent to
// the service; each connection gets a state snapshot, then the deltas every
// client shares (serialized once; host/state-push.ts), and a snapshot again
// when it asks after a gap; log chunks go to the clients subscribed to that
// backend. The bridge exists before any WebSocket server does (the server
// loads ws on the first connection); with no client connected, nothing is
// diffed or serialized.
import type { WebSocket, WebSocketServer } from 'ws';
import type { VigilService } from '../common/api.js';
import type { ClientMessage, ServerMessage } from '../common/ws-protocol.js';
import { dispatch, isRequestName } from '../host/dispatch.js';
import { logSubscriptions } from '../host/log-subscriptions.js';
import { pushState } from '../host/state-push.js';

export interface Bridge {
  /** Push something to every client (e.g. focus). */
  broadcast(msg: ServerMessage): void;
  close(): void;
}

export interface AttachableBridge extends Bridge {
  /** Serves the connections of this WebSocket server. */
  attach(wss: WebSocketServer): void;
}

export function createBridge(service: VigilService, log: (msg: string) => void): AttachableBridge {
  const clients = new Set<WebSocket>();
  const send = (ws: WebSocket, msg: ServerMessage | string): void => {
    if (ws.readyState === ws.OPEN) ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  };
  const state = pushState(
    service,
    (m) => {
      const text = JSON.stringify({ type: 'state', ...m } satisfies ServerMessage);
      for (const ws of clients) send(ws, text);
    },
    { active: () => clients.size > 0 },
  );
  const sendSnapshot = (ws: WebSocket): void => send(ws, { type: 'state', ...state.snapshot() });

  const onConnection = (ws: WebSocket): void => {
    clients.add(ws);
    const logs = logSubscriptions(service, (chunk) => send(ws, { type: 'log', chunk }));
    sendSnapshot(ws);

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
      } else if (msg.type === 'subscribeLogs') {
        logs.subscribe(msg.backend);
      } else if (msg.type === 'unsubscribeLogs') {
        logs.unsubscribe(msg.backend);
      } else if (msg.type === 'resync') {
        sendSnapshot(ws);
      }
    });
    ws.on('close', () => {
      clients.delete(ws);
      logs.dispose();
    });
    ws.on('error', (e) => log(`ws: ${e.message}`));
  };

  return {
    attach(wss) {
      wss.on('connection', onConnection);
    },
    broadcast(msg) {
      const text = JSON.stringify(msg);
      for (const ws of clients) send(ws, text);
    },
    close() {
      state.dispose();
      for (const ws of clients) ws.terminate();
      clients.clear();
    },
  };
}
