// window.vigil over the headless host's WebSocket (`/ws?token=…`): the one
// client of the API (electron/common/client.ts) over a socket, so the
// dashboard cannot tell it from the Electron preload. This file is the
// transport: requests carry ids and resolve on the matching response; the
// socket reconnects with capped exponential backoff (each connection starts
// with a state snapshot; the client re-subscribes log tails).
// Errors carry no method prefix: the caller (the dashboard) names the action,
// as it does with the preload, so a message reads once.
import type { ConnectionStatus, LogChunk, RequestName, VigilApi } from '../../electron/common/api.js';
import { createVigilClient, type ClientTransport } from '../../electron/common/client.js';
import type { StateMessage } from '../../electron/common/state-delta.js';
import type { ClientMessage, ServerMessage } from '../../electron/common/ws-protocol.js';

/** The part of the browser WebSocket the bridge uses (so tests can pass a fake). */
export interface SocketLike {
  send(data: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
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

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: unknown;
  /** Serialized request; null once sent (then a dropped socket fails it). */
  wire: string | null;
}

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
};

/** Next reconnect delay: doubles from `initial`, capped at `max`. Exported for tests. */
export function backoffDelay(attempt: number, initial: number, max: number): number {
  return Math.min(max, initial * 2 ** Math.max(0, attempt));
}

export function createWsBridge(opts: BridgeOptions): WsBridge {
  const timers = opts.timers ?? defaultTimers;
  const initial = opts.initialBackoffMs ?? 250;
  const max = opts.maxBackoffMs ?? 5000;
  const requestTimeout = opts.requestTimeoutMs ?? 15_000;
  const protocolError = opts.onProtocolError ?? ((m: string) => console.warn(`[vigil bridge] ${m}`));

  let socket: SocketLike | null = null;
  let status: ConnectionStatus = 'connecting';
  let closed = false;
  let attempt = 0;
  let reconnectTimer: unknown = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const connListeners = new Set<(s: ConnectionStatus) => void>();
  let pushed: { state(m: StateMessage): void; log(chunk: LogChunk): void; focus(backendId: string): void } | null = null;

  function setStatus(s: ConnectionStatus): void {
    if (s === status) return;
    status = s;
    for (const cb of connListeners) cb(s);
  }

  function sendRaw(msg: ClientMessage): boolean {
    if (!socket || status !== 'connected') return false;
    try {
      socket.send(JSON.stringify(msg));
      return true;
    } catch {
      return false;
    }
  }

  function connect(): void {
    if (closed) return;
    setStatus('connecting');
    let s: SocketLike;
    try {
      s = opts.createSocket(opts.url);
    } catch (e) {
      protocolError(`cannot open ${opts.url}: ${(e as Error).message}`);
      scheduleReconnect();
      return;
    }
    socket = s;
    s.onopen = () => {
      if (socket !== s) return;
      attempt = 0;
      setStatus('connected');
      for (const p of pending.values()) {
        if (p.wire !== null && s === socket) {
          s.send(p.wire);
          p.wire = null;
        }
      }
    };
    s.onmessage = (ev) => {
      if (socket !== s) return;
      handleMessage(ev.data);
    };
    s.onerror = () => {
      // onclose follows; nothing to do here but keep the browser from logging twice.
    };
    s.onclose = () => {
      if (socket !== s) return;
      socket = null;
      // Sent requests will never be answered on a new socket: fail them now.
      for (const [id, p] of pending) {
        if (p.wire === null) {
          pending.delete(id);
          timers.clearTimeout(p.timer);
          p.reject(new Error('connection to Vigil lost before it answered'));
        }
      }
      if (closed) return;
      setStatus('disconnected');
      scheduleReconnect();
    };
  }

  function scheduleReconnect(): void {
    if (closed || reconnectTimer !== null) return;
    const delay = backoffDelay(attempt++, initial, max);
    reconnectTimer = timers.setTimeout(() => {
      reconnectTimer = null;
      connect();
    }, delay);
  }

  function handleMessage(data: unknown): void {
    if (typeof data !== 'string') {
      protocolError('ignored a non-text message');
      return;
    }
    let msg: ServerMessage;
    try {
      msg = JSON.parse(data) as ServerMessage;
    } catch (e) {
      protocolError(`ignored a message that is not JSON: ${(e as Error).message}`);
      return;
    }
    if (msg === null || typeof msg !== 'object' || typeof (msg as { type?: unknown }).type !== 'string') {
      protocolError('ignored a message without a "type" field');
      return;
    }
    switch (msg.type) {
      case 'response': {
        const p = pending.get(msg.id);
        if (!p) {
          protocolError(`response to unknown request id ${String(msg.id)}`);
          return;
        }
        pending.delete(msg.id);
        timers.clearTimeout(p.timer);
        if (msg.ok) p.resolve(msg.result);
        else p.reject(new Error(msg.error));
        return;
      }
      case 'state': {
        const { type: _, ...m } = msg;
        pushed?.state(m);
        return;
      }
      case 'log':
        pushed?.log(msg.chunk);
        return;
      case 'focus':
        pushed?.focus(msg.backend);
        return;
      default:
        protocolError(`ignored a message of unknown type "${(msg as { type: string }).type}"`);
    }
  }

  function request(method: RequestName, payload?: unknown): Promise<unknown> {
    if (closed) return Promise.reject(new Error('bridge closed'));
    const id = nextId++;
    const msg: ClientMessage = payload === undefined ? { type: 'request', id, method } : { type: 'request', id, method, payload };
    const wire = JSON.stringify(msg);
    return new Promise<unknown>((resolve, reject) => {
      const p: Pending = {
        resolve,
        reject,
        wire,
        timer: timers.setTimeout(() => {
          pending.delete(id);
          reject(new Error(`no answer from Vigil within ${requestTimeout} ms (${status})`));
        }, requestTimeout),
      };
      pending.set(id, p);
      if (socket && status === 'connected') {
        try {
          socket.send(wire);
          p.wire = null;
        } catch {
          // stays queued; sent on the next open
        }
      }
    });
  }

  connect();

  const transport: ClientTransport = {
    request,
    listen(handlers) {
      pushed = handlers;
    },
    resync: () => void sendRaw({ type: 'resync' }),
    subscribeLogs: (backend) => void sendRaw({ type: 'subscribeLogs', backend }),
    unsubscribeLogs: (backend) => void sendRaw({ type: 'unsubscribeLogs', backend }),
    onConnection(cb) {
      connListeners.add(cb);
      cb(status);
      return () => void connListeners.delete(cb);
    },
  };
  const api = createVigilClient(transport, { onGap: (why) => protocolError(`asked for a state snapshot after ${why}`) });

  return {
    ...api,
    get connection() {
      return status;
    },
    close() {
      closed = true;
      if (reconnectTimer !== null) timers.clearTimeout(reconnectTimer);
      reconnectTimer = null;
      const s = socket;
      socket = null;
      for (const [id, p] of pending) {
        pending.delete(id);
        timers.clearTimeout(p.timer);
        p.reject(new Error('bridge closed'));
      }
      setStatus('disconnected');
      s?.close();
    },
  };
}
