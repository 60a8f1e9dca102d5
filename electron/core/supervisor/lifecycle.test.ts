// Real processes (the fake llama-server through node), real signals, real HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import { probe } from '../../../native-bindings/process.js';
import { describeExit } from '../../common/format.js';
import { fakeBackend, makeHarness, type Harness } from '../../../test-support/supervisor-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.cleanup();
  h = null;
});

describe('BackendSupervisor lifecycle', () => {
  it('starts: starting → loading (503) → ready (200), records port, pid and running.json', async () => {
    h = makeHarness(fakeBackend('llama', ['--load-ms', '500']));
    const r = await h.sup.start();
    expect(r.ok).toBe(true);
    await h.waitFor('ready');
    const tos = h.transitions().map((t) => t.to);
    expect(tos).toEqual(['starting', 'loading', 'ready']);
    const v = h.sup.snapshot();
    expect(v.pid).toBeGreaterThan(0);
    expect(v.port).toBeGreaterThan(0);
    expect(v.command).toContain(String(v.port));
    expect(v.healthLatencyMs).not.toBeNull();
    expect(h.registry.get('llama')?.pid).toBe(v.pid);
  });

  it('kill -9 → exited (signal 9) → backoff → ready again, with growing backoff delays', async () => {
    h = makeHarness(fakeBackend('k9', [], { restart: { policy: 'always', backoff: { initialMs: 300, factor: 2, maxMs: 5000 }, limit: { count: 5, windowMs: 60_000 } } }));
    await h.sup.start();
    await h.waitFor('ready');
    for (const expected of [300, 600]) {
      const pid = h.sup.snapshot().pid!;
      h.events.length = 0;
      process.kill(pid, 'SIGKILL');
      await h.waitFor((s) => s === 'backoff');
      const exit = h.sup.snapshot().lastExit!;
      expect(exit).toMatchObject({ pid, signal: 9, signalName: 'SIGKILL', code: null, reaped: true });
      await h.waitFor('ready');
      expect(h.sup.snapshot().pid).not.toBe(pid);
      const tr = h.transitions();
      const backoff = tr.find((t) => t.to === 'backoff')!;
      const starting = tr.find((t) => t.to === 'starting')!;
      expect(backoff.reason).toBe(`killed by SIGKILL; restart after a ${expected} ms backoff`);
      // The spawn comes after the delay planned (the reason above), never before; late only by the load of the machine.
      expect(starting.time - backoff.time).toBeGreaterThanOrEqual(expected - 20);
      expect(starting.time - backoff.time).toBeLessThan(expected + 30_000);
    }
    expect(h.sup.snapshot().restarts).toBe(2);
  });

  it("an exit ends the process's memory figure in the same update: the last sample stays on the exit, and a line marks it in the log", async () => {
    const notes: string[] = [];
    h = makeHarness(fakeBackend('mem', [], { restart: { policy: 'on-failure', backoff: { initialMs: 60_000, factor: 1, maxMs: 60_000 }, limit: { count: 5, windowMs: 60_000 } } }), { note: (t) => notes.push(t) });
    await h.sup.start();
    await h.waitFor('ready');
    const pid = h.sup.snapshot().pid!;
    h.sup.setMemory({ rss: 1_181_116_006, anon: 100, file: 1_181_115_906, shmem: 0, swap: 0, pss: null, processes: 1 });
    const shown: { pid: number | null; rss: number | null }[] = [];
    const off = h.store.subscribe((st) => {
      const b = st.backends.find((x) => x.id === 'mem')!;
      shown.push({ pid: b.pid, rss: b.memory?.rss ?? null });
    });
    process.kill(pid, 'SIGKILL');
    await h.waitFor('backoff');
    off();
    // No snapshot shows memory without a process.
    expect(shown.filter((x) => x.pid === null && x.rss !== null)).toEqual([]);
    expect(h.sup.snapshot()).toMatchObject({ pid: null, memory: null, lastExit: { pid, lastRss: 1_181_116_006 } });
    expect(notes.at(-1)).toBe(`exited: pid ${pid} killed by SIGKILL`);
  });

  it('a command that exits at once: growing delays, then failed after the limit, and no further spawn', async () => {
    h = makeHarness(fakeBackend('crashy', ['--exit-immediately', '3'], {
      restart: { policy: 'on-failure', backoff: { initialMs: 50, factor: 2, maxMs: 1000 }, limit: { count: 3, windowMs: 60_000 } },
    }));
    await h.sup.start();
    await h.waitFor('failed');
    const delays = h.transitions().filter((t) => t.to === 'backoff').map((t) => Number(/restart after a (\d+) ms backoff/.exec(t.reason)?.[1]));
    expect(delays).toEqual([50, 100, 200]);
    expect(h.sup.snapshot().reason).toMatch(/restart limit reached: 3 restarts in 1m 00s/);
    expect(h.sup.snapshot().lastExit?.code).toBe(3);
    const spawns = h.transitions().filter((t) => t.to === 'starting').length;
    expect(spawns).toBe(4);
    await new Promise((r) => setTimeout(r, 800));
    expect(h.transitions().filter((t) => t.to === 'starting').length).toBe(spawns);
    expect(h.sup.status).toBe('failed');
  });

  it('a leader that shows as a zombie while its threads finish: the exit code is still collected', async () => {
    // The main thread leaves first (pthread_exit): /proc says Z for ~0.5 s
    // while waitid does not report the exit yet; then another thread exits 3.
    const script = [
      'import ctypes, os, threading, time',
      'threading.Thread(target=lambda: (time.sleep(0.5), os._exit(3))).start()',
      'ctypes.CDLL(None).pthread_exit(None)',
    ].join('\n');
    const cfg = fakeBackend('zleader', [], {
      cmd: ['python3', '-c', script],
      restart: { policy: 'on-failure', backoff: { initialMs: 60_000, factor: 1, maxMs: 60_000 }, limit: { count: 5, windowMs: 60_000 } },
    });
    // No HTTP check: every tick reads /proc, where the zombie leader shows first.
    cfg.health = { ...cfg.health, path: null, intervalMs: 50 };
    h = makeHarness(cfg);
    await h.sup.start();
    await h.waitFor('backoff');
    expect(h.sup.snapshot().lastExit).toMatchObject({ code: 3, reaped: true, reason: 'exited with code 3' });
  });

  it('missing binary → failed with the reason, no crash loop', async () => {
    h = makeHarness({ ...fakeBackend('nobin', []), cmd: ['/nonexistent/llama-server', '--port', '${PORT}'] });
    const r = await h.sup.start();
    expect(r.ok).toBe(false);
    expect(r.message).toBe('spawn failed: ENOENT /nonexistent/llama-server');
    expect(h.sup.snapshot()).toMatchObject({ status: 'failed', reason: 'spawn failed: ENOENT /nonexistent/llama-server', pid: null });
    await new Promise((r) => setTimeout(r, 500));
    expect(h.transitions().map((t) => t.to)).toEqual(['failed']);
  });

  it("policy never: the exited child stays a visible zombie until reap returns its code", async () => {
    h = makeHarness(fakeBackend('z', ['--crash-after-ms', '300', '--exit-code', '42'], { restart: { policy: 'never', backoff: { initialMs: 0, factor: 1, maxMs: 0 }, limit: { count: 5, windowMs: 60_000 } } }));
    await h.sup.start();
    await h.waitFor('exited');
    const v = h.sup.snapshot();
    expect(v.awaitingReap).toBe(true);
    expect(v.procState).toBe('zombie');
    // The status is read without reaping: the code shows at once, the zombie stays.
    expect(v.lastExit).toMatchObject({ code: 42, signal: null, reaped: false, reason: 'exited with code 42; zombie awaiting reap (restart policy: never)' });
    expect(describeExit(v.lastExit!)).toBe('exited with code 42');
    expect(v.reason).toBe('exited with code 42; zombie awaiting reap (restart policy: never)');
    expect(probe(h.sup.process!).state).toBe('zombie');
    const r = await h.sup.reap();
    expect(r.ok).toBe(true);
    expect(r.exit).toMatchObject({ code: 42, signal: null, reaped: true });
    expect(h.sup.snapshot()).toMatchObject({ awaitingReap: false, pid: null, status: 'exited' });
    expect(h.sup.snapshot().lastExit?.code).toBe(42);
    expect((await h.sup.reap()).message).toBe('no exited child to reap');
  });

  it('stop escalates to SIGKILL for a process that ignores SIGTERM, and reaps it', async () => {
    h = makeHarness(fakeBackend('stubborn', ['--ignore-sigterm'], { stop: { signal: 'SIGTERM', graceMs: 400, cmd: null } }));
    await h.sup.start();
    await h.waitFor('ready');
    const pid = h.sup.snapshot().pid!;
    const r = await h.sup.stop();
    expect(r.ok).toBe(true);
    expect(h.sup.snapshot()).toMatchObject({ status: 'stopped', pid: null });
    expect(h.sup.snapshot().lastExit).toMatchObject({ pid, signal: 9, reaped: true });
    expect(() => process.kill(pid, 0)).toThrow();
    expect(h.registry.get('stubborn')).toBeUndefined();
    expect(h.log()).toMatch(/received SIGTERM, ignoring/);
  });
});
