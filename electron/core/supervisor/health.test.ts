// Health-driven transitions against a real fake server and real SIGSTOP/SIGCONT.
import { afterEach, describe, expect, it } from 'vitest';
import { fakeBackend, makeHarness, type Harness } from '../../../test-support/supervisor-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.cleanup();
  h = null;
});

describe('BackendSupervisor health', () => {
  it('a hung server turns unhealthy, then is restarted with reason unresponsive', async () => {
    const cfg = fakeBackend('hung', ['--hang-after-ms', '600']);
    cfg.health = { ...cfg.health, intervalMs: 150, timeoutMs: 200, unhealthyAfter: 2, restartAfter: 4 };
    h = makeHarness(cfg);
    await h.sup.start();
    await h.waitFor('ready');
    const firstPid = h.sup.snapshot().pid;
    await h.waitFor('unhealthy');
    expect(h.sup.snapshot().reason).toMatch(/timeout after 200 ms/);
    await h.waitFor(() => h!.sup.snapshot().pid !== firstPid && h!.sup.snapshot().pid !== null);
    const tr = h.transitions();
    const stopping = tr.find((t) => t.to === 'stopping')!;
    expect(stopping.reason).toMatch(/^unresponsive: /);
    expect(tr.filter((t) => t.to === 'starting').at(-1)!.reason).toMatch(/^restart: unresponsive/);
    expect(h.sup.snapshot().restarts).toBe(1);
  });

  it('startup timeout: a server that never answers is restarted as unresponsive', async () => {
    const cfg = fakeBackend('slow', ['--load-ms', '60000']);
    cfg.health = { ...cfg.health, startupTimeoutMs: 700 };
    h = makeHarness(cfg);
    await h.sup.start();
    await h.waitFor('loading');
    await h.waitFor(() => h!.transitions().some((t) => t.to === 'stopping'));
    expect(h.transitions().find((t) => t.to === 'stopping')!.reason).toMatch(/unresponsive: not ready after 700 ms \(loading\)/);
    await h.waitFor('loading');
  });

  it('SIGSTOP → unhealthy (process stopped), SIGCONT → ready again', async () => {
    h = makeHarness(fakeBackend('stop', []));
    await h.sup.start();
    await h.waitFor('ready');
    const pid = h.sup.snapshot().pid!;
    process.kill(pid, 'SIGSTOP');
    await h.waitFor('unhealthy');
    expect(h.sup.snapshot().reason).toMatch(/stopped \(T\)/);
    expect(h.sup.snapshot().procState).toBe('stopped');
    process.kill(pid, 'SIGCONT');
    await h.waitFor('ready');
    expect(h.sup.snapshot().pid).toBe(pid);
    expect(h.sup.snapshot().restarts).toBe(0);
  });
});
