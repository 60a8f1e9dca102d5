// The WebSocket side of `window.vigil`: requests are validated and sent to
// the service; each connection gets a state snapshot, then the deltas every
// client shares (serialized once; host/state-push.ts), and a snapshot again
// when it asks after a gap; log chunks go to the clients subscribed to that
// backend. The bridge exists before any WebSocket server does (the server
// loads ws on the first connection); with no client connected, nothing is
// diffed or serialized. Liveness is a protocol ping, not a state message: a
// client that has not answered the last one (a laptop asleep, a dropped
// network) is closed, so a dead dashboard stops costing diffs.
import type { WebSocket, WebSocketServer } from 'ws';
import type { VigilService } from '../common/api.js';
import type { ClientMessage, ServerMessage } from '../common/ws-protocol.js';
import { dispatch, isRequestName } from '../host/dispatch.js';
import { logSubscriptions } from '../host/log-subscriptions.js';
import { pushState } from '../host/state-push.js';

/** Every client is pinged this often; browsers answer pings by themselves. */
export const HEARTBEAT_MS = 30_000;

export interface Bridge {
  /** Push something to every client (e.g. focus). */
  broadcast(msg: ServerMessage): void;
  close(): void;
}

export interface AttachableBridge extends Bridge {
  /** Serves the connections of this WebSocket server. */
  attach(wss: WebSocketServer): void;
}

export function createBridge(service: VigilService, log: (msg: string) => void, opts: { heartbeatMs?: number } = {}): AttachableBridge {
  const clients = new Set<WebSocket>();
  const answered = new WeakMap<WebSocket, boolean>();
  let stopHeartbeat: (() => void) | null = null;
  const heartbeat = (): void => {
    for (const ws of clients) {
      if (ws.readyState !== ws.OPEN) continue; // closing: its 'close' removes it
      if (answered.get(ws) === false) {
        log('ws: a client did not answer the last ping: closed');
        ws.terminate();
        continue;
      }
      answered.set(ws, false);
      ws.ping();
    }
  };
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
    answered.set(ws, true);
    ws.on('pong', () => answered.set(ws, true));
    if (!stopHeartbeat) {
      const t = setInterval(heartbeat, opts.heartbeatMs ?? HEARTBEAT_MS);
      t.unref();
      stopHeartbeat = () => clearInterval(t);
    }
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
      if (clients.size === 0) {
        stopHeartbeat?.();
        stopHeartbeat = null;
      }
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
      stopHeartbeat?.();
      stopHeartbeat = null;
      state.dispose();
      for (const ws of clients) ws.terminate();
      clients.clear();
    },
  };
}
