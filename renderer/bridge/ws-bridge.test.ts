import { describe, expect, it } from 'vitest';
import type { ConnectionStatus, LogChunk } from '../../electron/common/api.js';
import type { ClientMessage } from '../../electron/common/ws-protocol.js';
import { backoffDelay, createWsBridge, type SocketLike, type Timers } from './ws-bridge.js';

class FakeSocket implements SocketLike {
  sent: ClientMessage[] = [];
  closed = false;
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  constructor(public url: string) {}
  send(data: string): void {
    if (this.closed) throw new Error('send on closed socket');
    this.sent.push(JSON.parse(data) as ClientMessage);
  }
  close(): void {
    this.closed = true;
  }
  open(): void {
    this.onopen?.({});
  }
  drop(): void {
    this.closed = true;
    this.onclose?.({});
  }
  receive(msg: unknown): void {
    this.onmessage?.({ data: typeof msg === 'string' ? msg : JSON.stringify(msg) });
  }
}

/** Manual clock: timers fire only when the test advances time. */
class ManualTimers implements Timers {
  now = 0;
  private queue: { at: number; fn: () => void; id: number }[] = [];
  private ids = 0;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.ids;
    this.queue.push({ at: this.now + ms, fn, id });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.queue = this.queue.filter((t) => t.id !== h);
  }
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      this.queue.sort((a, b) => a.at - b.at);
      const next = this.queue[0];
      if (!next || next.at > end) break;
      this.queue.shift();
      this.now = next.at;
      next.fn();
    }
    this.now = end;
  }
  pendingDelays(): number[] {
    return this.queue.map((t) => t.at - this.now);
  }
}

function setup(requestTimeoutMs = 1000) {
  const sockets: FakeSocket[] = [];
  const timers = new ManualTimers();
  const errors: string[] = [];
  const bridge = createWsBridge({
    url: 'ws://h/ws?token=t',
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    timers,
    initialBackoffMs: 100,
    maxBackoffMs: 400,
    requestTimeoutMs,
    onProtocolError: (m) => errors.push(m),
  });
  const last = () => sockets[sockets.length - 1]!;
  return { bridge, sockets, timers, errors, last };
}

describe('ws bridge', () => {
  it('matches responses to requests by id, including errors', async () => {
    const { bridge, last } = setup();
    last().open();
    const a = bridge.restart({ id: 'llama' });
    const b = bridge.getLogs({ id: 'x', lines: 5 });
    const [ra, rb] = last().sent as Extract<ClientMessage, { type: 'request' }>[];
    expect(ra).toEqual({ type: 'request', id: ra!.id, method: 'restart', payload: { id: 'llama' } });
    expect(rb!.method).toBe('getLogs');
    // Answer out of order.
    last().receive({ type: 'response', id: rb!.id, ok: false, error: 'unknown backend x' });
    last().receive({ type: 'response', id: ra!.id, ok: true, result: { ok: true, message: 'restarting' } });
    await expect(a).resolves.toEqual({ ok: true, message: 'restarting' });
    // The host's message as it is: the dashboard names the action, so no 'getLogs: ' here.
    await expect(b).rejects.toThrow(/^unknown backend x$/);
  });

  it('queues requests until connected and times out unanswered ones', async () => {
    const { bridge, last, timers } = setup(1000);
    const p = bridge.getState();
    expect(last().sent).toEqual([]);
    last().open();
    expect(last().sent).toHaveLength(1);
    timers.advance(1000);
    await expect(p).rejects.toThrow(/^no answer from Vigil within 1000 ms/);
  });

  it('fails in-flight requests on disconnect, reconnects with backoff and re-subscribes logs', async () => {
    const { bridge, sockets, last, timers } = setup(60_000);
    const statuses: ConnectionStatus[] = [];
    bridge.onConnection((s) => statuses.push(s));
    last().open();
    const chunks: LogChunk[] = [];
    const off = bridge.onLog('llama', (c) => chunks.push(c));
    expect(last().sent).toEqual([{ type: 'subscribeLogs', backend: 'llama' }]);
    const inflight = bridge.stop({ id: 'llama' });
    last().drop();
    await expect(inflight).rejects.toThrow(/^connection to Vigil lost/);
    expect(bridge.connection).toBe('disconnected');

    // Backoff doubles while the host stays down: 100, 200, 400, 400 (cap).
    expect(timers.pendingDelays()).toEqual([100]);
    timers.advance(100);
    expect(sockets).toHaveLength(2);
    last().drop();
    expect(timers.pendingDelays()).toEqual([200]);
    timers.advance(200);
    last().drop();
    timers.advance(400);
    last().drop();
    expect(timers.pendingDelays()).toEqual([400]);
    timers.advance(400);
    expect(sockets).toHaveLength(5);
    last().open();
    expect(last().sent).toEqual([{ type: 'subscribeLogs', backend: 'llama' }]);
    last().receive({ type: 'log', chunk: { id: 'llama', lines: [{ time: 1, stream: 'stdout', text: 'hi' }], path: null } });
    last().receive({ type: 'log', chunk: { id: 'other', lines: [], path: null } });
    expect(chunks.map((c) => c.lines[0]?.text)).toEqual(['hi']);
    off();
    expect(last().sent.at(-1)).toEqual({ type: 'unsubscribeLogs', backend: 'llama' });
    expect(statuses).toEqual(['connecting', 'connected', 'disconnected', 'connecting', 'disconnected', 'connecting', 'disconnected', 'connecting', 'disconnected', 'connecting', 'connected']);

    // After a successful open the backoff starts over.
    last().drop();
    expect(timers.pendingDelays()).toEqual([100]);
  });

  it('delivers state and focus pushes and reports malformed messages instead of throwing', () => {
    const { bridge, last, errors } = setup();
    last().open();
    const states: string[] = [];
    const focus: string[] = [];
    bridge.onState((s) => states.push(s.hostname));
    bridge.onFocus((id) => focus.push(id));
    last().receive({ type: 'state', version: 1, state: { hostname: 'box' } });
    last().receive({ type: 'focus', backend: 'llama' });
    last().receive('not json{');
    last().receive({ nope: 1 });
    last().receive({ type: 'bogus' });
    last().receive({ type: 'response', id: 999, ok: true, result: null });
    expect(states).toEqual(['box']);
    expect(focus).toEqual(['llama']);
    expect(errors).toHaveLength(4);
    expect(errors[0]).toMatch(/not JSON/);
    expect(errors[2]).toMatch(/unknown type "bogus"/);
    expect(errors[3]).toMatch(/unknown request id 999/);
  });

  it('applies deltas to the snapshot, and asks for a snapshot after a missed one instead of drifting', () => {
    const { bridge, last, errors } = setup();
    last().open();
    const seen: { hostname: string; restarts: number[] }[] = [];
    bridge.onState((s) => seen.push({ hostname: s.hostname, restarts: s.backends.map((b) => b.restarts) }));
    expect(last().sent).toEqual([{ type: 'resync' }]);
    const b = (id: string, restarts: number) => ({ id, restarts });
    last().receive({ type: 'state', version: 4, state: { hostname: 'box', backends: [b('a', 0), b('b', 0)] } });
    last().receive({ type: 'state', version: 5, from: 4, delta: { lists: { backends: { change: [{ key: 'b', set: { restarts: 1 } }] } } } });
    // Version 6 never arrives: 7 does not follow, so it is dropped and a snapshot asked for, once.
    last().receive({ type: 'state', version: 7, from: 6, delta: { set: { hostname: 'wrong' } } });
    last().receive({ type: 'state', version: 8, from: 7, delta: { set: { hostname: 'wrong' } } });
    expect(last().sent).toEqual([{ type: 'resync' }, { type: 'resync' }]);
    expect(errors).toEqual(['asked for a state snapshot after a delta from version 6 while holding 5']);
    last().receive({ type: 'state', version: 8, state: { hostname: 'box', backends: [b('a', 2), b('b', 1)] } });
    last().receive({ type: 'state', version: 9, from: 8, delta: { lists: { backends: { change: [{ key: 'zz', set: { restarts: 1 } }] } } } });
    expect(errors[1]).toMatch(/does not fit: a change for zz/);
    expect(seen).toEqual([
      { hostname: 'box', restarts: [0, 0] },
      { hostname: 'box', restarts: [0, 1] },
      { hostname: 'box', restarts: [2, 1] },
    ]);
  });

  it('close() stops reconnecting and rejects pending requests', async () => {
    const { bridge, sockets, timers } = setup();
    const p = bridge.getState();
    bridge.close();
    await expect(p).rejects.toThrow('bridge closed');
    timers.advance(10_000);
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.closed).toBe(true);
    await expect(bridge.getState()).rejects.toThrow('bridge closed');
  });

  it('backoffDelay doubles and caps', () => {
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, 250, 5000))).toEqual([250, 500, 1000, 2000, 5000]);
  });
});
