// The published health latency: a moving average, republished only when it
// moves noticeably. The backend is a real `sleep` whose fixed port is served
// by an HTTP server in this test, so each answer's delay is ours to set.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test-support/helpers.js';
import { fakeBackend, makeHarness, type Harness } from '../../../test-support/supervisor-harness.js';

let h: Harness | null = null;
let server: Server | null = null;
afterEach(async () => {
  await h?.cleanup();
  h = null;
  await new Promise((r) => (server ? server.close(r) : r(null)));
  server = null;
});

describe('health latency', () => {
  it('a lasting change moves the published figure, in fewer store updates than answers', async () => {
    // The smoothing itself (one slow answer ignored, a lasting one followed) is LatencySmoother's
    // unit test: here, real answers whose own latency a loaded machine varies, only the wiring is asserted.
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
    cfg.health = { ...cfg.health, intervalMs: 100, timeoutMs: 5000 };
    h = makeHarness(cfg);
    await h.sup.start();
    await h.waitFor('ready');
    const harness = h;
    await waitFor(() => answered >= 5, 30_000, 'five answers');
    await waitFor(() => harness.sup.snapshot().healthLatencyMs !== null, 30_000, 'a latency figure');
    const updates: (number | null)[] = [];
    const off = h.store.subscribe((s) => {
      const v = s.backends[0]!.healthLatencyMs;
      if (v !== updates.at(-1)) updates.push(v);
    });

    // A lasting slowdown to 300 ms: the figure follows (past 150 ms), in fewer steps than answers.
    delay = 300;
    const from = answered;
    await waitFor(() => (harness.sup.snapshot().healthLatencyMs ?? 0) > 150 && answered >= from + 8, 60_000, `the figure to pass 150 ms (now ${harness.sup.snapshot().healthLatencyMs})`);
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.length).toBeLessThan(answered - from);
    off();
  });
});
