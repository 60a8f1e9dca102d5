// The published health latency: a moving average, republished only when it
// moves noticeably. The backend is a real `sleep` whose fixed port is served
// by an HTTP server in this test, so each answer's delay is ours to set.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeBackend, makeHarness, type Harness } from '../../../test-support/supervisor-harness.js';

let h: Harness | null = null;
let server: Server | null = null;
afterEach(async () => {
  await h?.cleanup();
  h = null;
  await new Promise((r) => (server ? server.close(r) : r(null)));
  server = null;
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('health latency', () => {
  it('one slow answer does not move the figure; a lasting change does, with few store updates', async () => {
    let delay = 0;
    let answered = 0;
    server = createServer((_req, res) => {
      setTimeout(() => {
        answered++;
        res.writeHead(200).end('{"status":"ok"}');
      }, delay);
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const cfg = fakeBackend('lat', [], { cmd: ['sleep', '60'], port });
    cfg.health = { ...cfg.health, intervalMs: 100, timeoutMs: 1000 };
    h = makeHarness(cfg);
    await h.sup.start();
    await h.waitFor('ready');
    const waitAnswers = async (n: number): Promise<void> => {
      const until = answered + n;
      while (answered < until) await sleep(20);
    };
    await waitAnswers(5);
    const fast = h.sup.snapshot().healthLatencyMs!;
    expect(fast).toBeLessThan(50);
    const updates: (number | null)[] = [];
    const off = h.store.subscribe((s) => {
      const v = s.backends[0]!.healthLatencyMs;
      if (v !== updates.at(-1)) updates.push(v);
    });

    // One slow answer (120 ms) among fast ones: the average moves by ~36 ms,
    // under the 50 ms a change must reach; the raw figure would have jumped.
    delay = 120;
    await waitAnswers(1);
    delay = 0;
    await waitAnswers(5);
    expect(updates).toEqual([]);

    // A lasting slowdown: the figure follows within a few probes, in few steps.
    delay = 300;
    await waitAnswers(8);
    const slow = h.sup.snapshot().healthLatencyMs!;
    expect(slow).toBeGreaterThan(150);
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.length).toBeLessThanOrEqual(4);
    off();
  });
});
