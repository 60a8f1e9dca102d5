// The bridge against a real WebSocket server (the `ws` package, the one the
// headless host uses): requests over the wire, then the server goes away and
// comes back on the same port, and the bridge reconnects and re-subscribes.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { ConnectionStatus, LogChunk } from '../../electron/common/api.js';
import type { ClientMessage, ServerMessage } from '../../electron/common/ws-protocol.js';
import { createWsBridge, type SocketLike, type WsBridge } from './ws-bridge.js';

const servers: WebSocketServer[] = [];
let bridge: WsBridge | null = null;
afterEach(async () => {
  bridge?.close();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A minimal host: answers getState, records subscriptions, pushes a log line on subscribe. */
function serve(port: number, received: ClientMessage[]): Promise<WebSocketServer> {
  return new Promise((resolve) => {
    const wss: WebSocketServer = new WebSocketServer({ port, host: '127.0.0.1' }, () => resolve(wss));
    servers.push(wss);
    wss.on('connection', (ws: WebSocket) => {
      const send = (m: ServerMessage) => ws.send(JSON.stringify(m));
      ws.on('message', (raw: unknown) => {
        const msg = JSON.parse(String(raw)) as ClientMessage;
        received.push(msg);
        const actual = (wss.address() as { port: number }).port;
        if (msg.type === 'request') send({ type: 'response', id: msg.id, ok: true, result: { method: msg.method, port: actual } });
        if (msg.type === 'subscribeLogs') send({ type: 'log', chunk: { id: msg.backend, lines: [{ time: 1, stream: 'stdout', text: `hello from ${actual}` }], path: null } });
      });
    });
  });
}

const waitFor = async (cond: () => boolean, what: string, ms = 30_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('ws bridge over a real socket', () => {
  it('round-trips requests, survives a server restart and re-subscribes logs', async () => {
    const received: ClientMessage[] = [];
    const first = await serve(0, received);
    const port = (first.address() as { port: number }).port;
    const statuses: ConnectionStatus[] = [];
    bridge = createWsBridge({
      url: `ws://127.0.0.1:${port}/ws?token=t`,
      // ws's client has the browser's on* properties and string `data` for text frames.
      createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      initialBackoffMs: 20,
      maxBackoffMs: 100,
    });
    bridge.onConnection((s) => statuses.push(s));
    await expect(bridge.getState()).resolves.toEqual({ method: 'getState', port });

    const lines: string[] = [];
    bridge.onLog('llama', (c: LogChunk) => lines.push(...c.lines.map((l) => l.text)));
    await waitFor(() => lines.length === 1, 'first log line');

    // Server goes away: in-flight state is 'disconnected', and it comes back.
    for (const c of first.clients) c.terminate();
    await new Promise((r) => first.close(r));
    servers.splice(servers.indexOf(first), 1);
    await waitFor(() => statuses.includes('disconnected'), 'disconnected status');
    // Asked while disconnected: queued, sent once the host is back.
    const queued = bridge.restart({ id: 'llama' });

    received.length = 0;
    await serve(port, received);
    await expect(queued).resolves.toEqual({ method: 'restart', port });
    await waitFor(() => bridge!.connection === 'connected', 'reconnect');
    await waitFor(() => lines.length === 2, 'log line after re-subscribe');
    expect(received.map((m) => m.type).sort()).toEqual(['request', 'subscribeLogs']);
    expect(lines).toEqual([`hello from ${port}`, `hello from ${port}`]);
    await expect(bridge.start({ id: 'llama' })).resolves.toEqual({ method: 'start', port });
  });
});
