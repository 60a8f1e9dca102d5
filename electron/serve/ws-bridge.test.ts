// The bridge's liveness ping on a real WebSocket server: a client that answers
// pings stays; one that does not (autoPong off: a peer that went away without
// closing) is closed on the next round, and the ping rounds stop with the
// last client.
import { afterEach, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { backend, baseState, fakeService } from '../../test-support/fake-service.js';
import { waitFor } from '../../test-support/helpers.js';
import { createBridge } from './ws-bridge.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

async function client(port: number, autoPong: boolean): Promise<{ ws: WebSocket; pings: () => number; closed: () => boolean }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}`, { autoPong });
  let pings = 0;
  let closed = false;
  ws.on('ping', () => pings++);
  ws.on('close', () => (closed = true));
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)));
  cleanups.push(() => ws.terminate());
  return { ws, pings: () => pings, closed: () => closed };
}

it('pings every client; one that does not answer is closed, one that does stays', async () => {
  const logs: string[] = [];
  const bridge = createBridge(fakeService(baseState([backend('alpha')])), (m) => logs.push(m), { heartbeatMs: 100 });
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => wss.once('listening', r));
  cleanups.push(() => wss.close());
  cleanups.push(() => bridge.close());
  bridge.attach(wss);
  const port = (wss.address() as { port: number }).port;

  const live = await client(port, true);
  const dead = await client(port, false);
  await waitFor(() => dead.closed(), 10_000, 'the silent client closed');
  // The silent client was pinged and left unanswered before it was closed.
  expect(dead.pings()).toBeGreaterThan(0);
  expect(logs).toContain('ws: a client did not answer the last ping: closed');
  // The live one answered every round it saw and is still open, pinged again after.
  const seen = live.pings();
  await waitFor(() => live.pings() > seen, 10_000, 'another ping to the live client');
  expect(live.closed()).toBe(false);
  expect(live.ws.readyState).toBe(WebSocket.OPEN);
});
