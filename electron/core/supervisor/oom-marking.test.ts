// markOomKilled with a real killed process, in both arrival orders of the
// kernel's kill line and the exit (the kill record here is built by hand; the
// real kmsg path is covered by electron/core/oom's tests).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OomKill } from '../../common/state.js';
import { fakeBackend, makeHarness, type Harness } from '../../../test-support/supervisor-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.cleanup();
  h = null;
});

const killOf = (pid: number): OomKill => ({
  id: `test:${pid}`, time: Date.now(), timeText: null, pid, comm: 'node', scope: 'memcg', constraint: 'CONSTRAINT_MEMCG', memcg: '/vigil/x',
  totalVmKb: 1000, anonRssKb: 900, fileRssKb: 0, shmemRssKb: 0, uid: 0, oomScoreAdj: 0, killer: 'kernel', trigger: null, backend: 'x', largestConsumer: null, source: 'kmsg',
});

describe('markOomKilled', () => {
  it('kill line after the exit: lastExit is amended to oomKilled and an oom event follows', async () => {
    h = makeHarness(fakeBackend('x', [], { restart: { policy: 'never', backoff: { initialMs: 0, factor: 1, maxMs: 0 }, limit: { count: 1, windowMs: 1000 } } }));
    await h.sup.start();
    await h.waitFor('ready');
    const pid = h.sup.snapshot().pid!;
    process.kill(pid, 'SIGKILL');
    await h.waitFor('exited');
    expect(h.sup.snapshot().lastExit?.oomKilled).toBe(false);
    expect(h.sup.markOomKilled(killOf(pid))).toBe(true);
    expect(h.sup.snapshot().lastExit).toMatchObject({ pid, oomKilled: true, oom: { id: `test:${pid}` } });
    expect(h.sup.snapshot().reason).toMatch(/^oom-killed/);
    expect(h.events.filter((e) => e.kind === 'oom')).toHaveLength(1);
    // Reaping keeps the classification and adds the real signal.
    const r = await h.sup.reap();
    expect(r.exit).toMatchObject({ oomKilled: true, signal: 9, reaped: true });
  });

  it('kill line before the exit: the exit is classified as oom-killed at once', async () => {
    h = makeHarness(fakeBackend('x', [], { restart: { policy: 'on-failure', backoff: { initialMs: 5000, factor: 1, maxMs: 5000 }, limit: { count: 5, windowMs: 60_000 } } }));
    await h.sup.start();
    await h.waitFor('ready');
    const pid = h.sup.snapshot().pid!;
    h.sup.markOomKilled(killOf(pid));
    process.kill(pid, 'SIGKILL');
    await h.waitFor('backoff');
    expect(h.sup.snapshot().lastExit).toMatchObject({ pid, oomKilled: true, signal: 9, reaped: true });
    expect(h.sup.snapshot().lastExit!.reason).toBe('oom-killed (kmsg), killed by SIGKILL');
    expect(h.events.find((e) => e.kind === 'exit')!.exit!.oomKilled).toBe(true);
  });

  it("the cgroup counter's record of a kill is completed by the kernel's line for it: figures on the exit, its reason kept in the backoff's, no second oom event", async () => {
    h = makeHarness(fakeBackend('x', [], { restart: { policy: 'on-failure', backoff: { initialMs: 5000, factor: 1, maxMs: 5000 }, limit: { count: 5, windowMs: 60_000 } } }));
    await h.sup.start();
    await h.waitFor('ready');
    const pid = h.sup.snapshot().pid!;
    const counter: OomKill = { ...killOf(pid), id: `cgroup:${pid}`, source: 'cgroup', totalVmKb: null, anonRssKb: null, fileRssKb: null, shmemRssKb: null };
    h.sup.markOomKilled(counter);
    process.kill(pid, 'SIGKILL');
    await h.waitFor('backoff');
    expect(h.sup.snapshot().lastExit).toMatchObject({ oomKilled: true, oom: { source: 'cgroup' }, reason: 'oom-killed (cgroup memory limit), killed by SIGKILL' });
    expect(h.sup.snapshot().reason).toBe('oom-killed (cgroup memory limit), killed by SIGKILL; restart after a 5s backoff');
    expect(h.sup.markOomKilled(killOf(pid))).toBe(true);
    expect(h.sup.snapshot().lastExit).toMatchObject({ oomKilled: true, oom: { source: 'kmsg', anonRssKb: 900 }, reason: 'oom-killed (kmsg), killed by SIGKILL' });
    expect(h.sup.snapshot().reason).toBe('oom-killed (kmsg), killed by SIGKILL; restart after a 5s backoff');
    expect(h.events.filter((e) => e.kind === 'oom')).toHaveLength(1);
    // A later counter notice for the same kill changes nothing.
    h.sup.markOomKilled({ ...counter, id: 'cgroup:again' });
    expect(h.sup.snapshot().lastExit!.oom).toMatchObject({ source: 'kmsg' });
  });

  it('a notice naming the leader explains only an exit soon after it (a child of the tree may have been the victim)', async () => {
    h = makeHarness(fakeBackend('x', [], { restart: { policy: 'on-failure', backoff: { initialMs: 5000, factor: 1, maxMs: 5000 }, limit: { count: 5, windowMs: 60_000 } } }));
    await h.sup.start();
    await h.waitFor('ready');
    const pid = h.sup.snapshot().pid!;
    h.sup.markOomKilled({ ...killOf(pid), source: 'cgroup' });
    // The leader lives on; it dies 11 s later of something else.
    const realNow = Date.now.bind(Date);
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + 11_000);
    try {
      process.kill(pid, 'SIGKILL');
      await h.waitFor('backoff');
    } finally {
      clock.mockRestore();
    }
    expect(h.sup.snapshot().lastExit).toMatchObject({ pid, oomKilled: false, signal: 9 });
  });
});
