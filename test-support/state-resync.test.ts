// A client that misses a delta, or drops and reconnects, shows the same state
// as a fresh one: the one client (electron/common/client.ts) against the one
// push path (electron/host/state-push.ts), first over a lossy in-memory
// transport, then over the headless host's real WebSocket with the
// dashboard's bridge.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ConnectionStatus, LogChunk, VigilApi } from '../electron/common/api.js';
import { createVigilClient, type ClientTransport } from '../electron/common/client.js';
import type { StateMessage } from '../electron/common/state-delta.js';
import type { BackendView, VigilState } from '../electron/common/state.js';
import { dispatch } from '../electron/host/dispatch.js';
import { pushState } from '../electron/host/state-push.js';
import { startServer, type RunningServer } from '../electron/serve/server.js';
import { createWsBridge, type SocketLike, type WsBridge } from '../renderer/bridge/ws-bridge.js';
import { backend, baseState, fakeService, type FakeService } from './fake-service.js';
import { waitFor } from './helpers.js';

const json = (s: VigilState | null): unknown => JSON.parse(JSON.stringify(s));

/** Changes like the core's: one backend at a time, an event appended, the snapshot time stamped. */
function change(svc: FakeService, i: number): void {
  const s = svc.getState();
  const backends = s.backends.slice();
  const k = i % backends.length;
  backends[k] = { ...backends[k]!, restarts: backends[k]!.restarts + 1, status: i % 3 === 0 ? 'exited' : 'ready' } satisfies BackendView;
  const ev = { seq: i + 1, time: i, kind: 'transition' as const, backend: backends[k]!.id, from: null, to: backends[k]!.status, reason: `change ${i}`, pid: null, exit: null, oom: null };
  svc.setState({ ...s, backends, events: [...s.events, ev].slice(-20), time: 1000 + i });
}

const watch = (api: VigilApi): { state: VigilState | null; count: number } => {
  const seen = { state: null as VigilState | null, count: 0 };
  api.onState((s) => {
    seen.state = s;
    seen.count++;
  });
  return seen;
};

describe('a client that misses a delta', () => {
  it('asks for a snapshot instead of drifting, and then shows what a fresh client shows', async () => {
    const svc = fakeService(baseState(Array.from({ length: 5 }, (_, i) => backend(`b${i}`))));
    const sinks = new Set<(m: StateMessage) => void>();
    const push = pushState(svc, (m) => sinks.forEach((s) => s(m)), { intervalMs: 0 });
    const gaps: string[] = [];
    let dropNext = false;
    let resyncs = 0;
    const transport = (lossy: boolean): ClientTransport => {
      let deliver: ((m: StateMessage) => void) | null = null;
      return {
        request: (name, payload) => dispatch(svc, name, payload),
        listen(h) {
          deliver = h.state;
          sinks.add((m) => {
            if (lossy && dropNext && !('state' in m)) {
              dropNext = false;
              return;
            }
            h.state(m);
          });
        },
        resync() {
          if (lossy) resyncs++;
          queueMicrotask(() => deliver?.(push.snapshot()));
        },
        subscribeLogs: () => {},
        unsubscribeLogs: () => {},
        onConnection: (cb: (s: ConnectionStatus) => void) => (cb('connected'), () => {}),
      };
    };
    const lossy = watch(createVigilClient(transport(true), { onGap: (why) => gaps.push(why) }));
    await waitFor(() => lossy.state !== null, 5000, 'the first snapshot');
    for (let i = 0; i < 30; i++) {
      if (i === 10 || i === 20) dropNext = true;
      change(svc, i);
      await waitFor(() => sinks.size > 0 && push.snapshot().version === i + 2, 5000, `push ${i}`);
    }
    await waitFor(() => lossy.state?.time === 1029, 5000, 'the lossy client to catch up');
    expect(gaps).toHaveLength(2);
    expect(gaps[0]).toMatch(/^a delta from version \d+ while holding \d+$/);
    expect(resyncs).toBe(3); // the first snapshot and the two gaps
    const fresh = watch(createVigilClient(transport(false)));
    await waitFor(() => fresh.state !== null, 5000, 'the fresh client');
    expect(json(lossy.state)).toEqual(json(fresh.state));
    expect(json(lossy.state)).toEqual(json(svc.getState()));
    push.dispose();
  });
});

describe('a dashboard that drops and reconnects over the WebSocket', () => {
  let dir: string | null = null;
  let srv: RunningServer | null = null;
  const bridges: WsBridge[] = [];
  afterEach(async () => {
    bridges.splice(0).forEach((b) => b.close());
    await srv?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the same state as one connected throughout and one that connects at the end', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-resync-'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Vigil</title>');
    const svc = fakeService(baseState(Array.from({ length: 50 }, (_, i) => backend(`b${i}`))));
    srv = await startServer({ service: svc, token: 'resync-token-0123456789', rendererDir: dir });
    const sockets: WebSocket[] = [];
    const bridge = (): WsBridge => {
      const b = createWsBridge({
        url: `ws://127.0.0.1:${srv!.port}/ws?token=resync-token-0123456789`,
        createSocket: (url) => {
          const ws = new WebSocket(url);
          sockets.push(ws);
          return ws as unknown as SocketLike;
        },
        initialBackoffMs: 20,
        maxBackoffMs: 100,
      });
      bridges.push(b);
      return b;
    };
    const steady = watch(bridge());
    const dropper = bridge();
    const dropped = watch(dropper);
    const logs: LogChunk[] = [];
    dropper.onLog('b1', (c) => logs.push(c));
    await waitFor(() => steady.state !== null && dropped.state !== null, 10_000, 'both snapshots');
    for (let i = 0; i < 40; i++) {
      if (i === 15) sockets[1]!.terminate(); // the dropper's socket: it misses the changes until it is back
      change(svc, i);
      await new Promise((r) => setTimeout(r, 5));
    }
    await waitFor(() => dropper.connection === 'connected' && sockets.length === 3, 10_000, 'the reconnect').catch((e: unknown) => {
      throw new Error(`${(e as Error).message}: ${dropper.connection}, ${sockets.map((w) => `${w.url} ${w.readyState}`).join('; ')}`);
    });
    await waitFor(() => steady.state?.time === 1039 && dropped.state?.time === 1039, 10_000, 'both to show the last change');
    const fresh = watch(bridge());
    await waitFor(() => fresh.state !== null, 10_000, 'the fresh dashboard');
    expect(json(dropped.state)).toEqual(json(fresh.state));
    expect(json(steady.state)).toEqual(json(fresh.state));
    expect(json(fresh.state)).toEqual(json(svc.getState()));
    // The steady one got deltas, not 40 snapshots: unchanged backends are the objects it had.
    expect(steady.count).toBeGreaterThan(1);
    // Its log subscription came back with the connection.
    svc.pushLog({ id: 'b1', lines: [{ time: 1, stream: 'stdout', text: 'after' }], path: null });
    await waitFor(() => logs.some((c) => c.lines[0]?.text === 'after'), 10_000, 'the log line after reconnect');
  });
});
