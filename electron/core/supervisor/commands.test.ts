// Commands under concurrency, and port re-choice, with real processes.
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeBackend, makeHarness, type Harness } from '../../../test-support/supervisor-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.cleanup();
  h = null;
});

describe('BackendSupervisor commands', () => {
  it('restart while starting replaces the starting process', async () => {
    h = makeHarness(fakeBackend('rs', ['--load-ms', '400']));
    await h.sup.start();
    const first = h.sup.snapshot().pid!;
    expect(h.sup.status).toBe('starting');
    const r = await h.sup.restart();
    expect(r.ok).toBe(true);
    expect(h.sup.snapshot().pid).not.toBe(first);
    expect(() => process.kill(first, 0)).toThrow();
    await h.waitFor('ready');
    expect(h.transitions().filter((t) => t.to === 'starting')).toHaveLength(2);
  });

  it('stop during backoff cancels the pending restart', async () => {
    h = makeHarness(fakeBackend('sb', [], { restart: { policy: 'always', backoff: { initialMs: 600, factor: 2, maxMs: 5000 }, limit: { count: 5, windowMs: 60_000 } } }));
    await h.sup.start();
    await h.waitFor('ready');
    process.kill(h.sup.snapshot().pid!, 'SIGKILL');
    await h.waitFor('backoff');
    const planned = h.sup.snapshot().nextRestartAt!;
    expect(planned).toBeGreaterThan(Date.now());
    const r = await h.sup.stop();
    expect(r).toMatchObject({ ok: true, message: 'pending restart cancelled' });
    // A timer due after the planned restart fires after the restart's own timer would have, however late both run.
    await new Promise((res) => setTimeout(res, planned - Date.now() + 50));
    expect(h.sup.snapshot()).toMatchObject({ status: 'stopped', pid: null, nextRestartAt: null });
    expect(h.transitions().filter((t) => t.to === 'starting')).toHaveLength(1);
  });

  it('double stop / double start / double restart: the second does nothing', async () => {
    h = makeHarness(fakeBackend('dbl', []));
    const [a, b] = await Promise.all([h.sup.start(), h.sup.start()]);
    expect([a.ok, b.ok]).toEqual([true, false]);
    expect(b.message).toMatch(/^already start/);
    await h.waitFor('ready');
    const [r1, r2] = await Promise.all([h.sup.restart(), h.sup.restart()]);
    expect([r1.ok, r2.ok]).toEqual([true, false]);
    expect(r2.message).toBe('already restarting');
    await h.waitFor('ready');
    const [s1, s2] = await Promise.all([h.sup.stop(), h.sup.stop()]);
    expect(s1.ok).toBe(true);
    expect(s2).toMatchObject({ ok: false, message: 'already stopping' });
    expect((await h.sup.stop()).message).toBe('already stopped');
    expect(h.transitions().filter((t) => t.to === 'starting')).toHaveLength(2);
    expect(h.events.filter((e) => e.kind === 'command').map((e) => e.reason)).toEqual(['start', 'restart', 'stop']);
  });

  it('port auto: when the chosen port is taken, the next start picks another', async () => {
    h = makeHarness(fakeBackend('port', [], { restart: { policy: 'on-failure', backoff: { initialMs: 100, factor: 1, maxMs: 100 }, limit: { count: 5, windowMs: 60_000 } } }));
    await h.sup.start();
    await h.waitFor('ready');
    const port = h.sup.snapshot().port!;
    await h.sup.stop();
    // Someone else takes the port while the backend is stopped.
    const squatter: Server = createServer();
    await new Promise<void>((res) => squatter.listen(port, '127.0.0.1', () => res()));
    try {
      await h.sup.start();
      await h.waitFor((s) => s === 'backoff' || s === 'ready');
      await h.waitFor('ready');
      const v = h.sup.snapshot();
      expect(v.port).not.toBe(port);
      expect(h.events.some((e) => e.kind === 'system' && e.reason === `port ${port} was in use; a new port is chosen for the next start`)).toBe(true);
      expect(v.lastExit?.code).toBe(1);
    } finally {
      squatter.close();
    }
  });
});
