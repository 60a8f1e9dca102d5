// The seams features plug into (seams.ts), driven through a real supervisor
// and real processes: a pre-start check, an exit explainer, tick work.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../diagnostics.js';
import { fakeBackend, makeHarness, type Harness } from '../../../test-support/supervisor-harness.js';
import { INTERNAL_ERROR } from './command-queue.js';
import type { PreStartContext, TickContext, TickProcess } from './seams.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.cleanup();
  h = null;
});

describe('supervisor seams', () => {
  it('a pre-start check refuses the start: failed with its reason, nothing spawned', async () => {
    const seen: PreStartContext[] = [];
    h = makeHarness(fakeBackend('fit', []), {
      preStart: [
        (ctx) => {
          seen.push(ctx);
          return null;
        },
        async () => 'the model needs 40.0 GiB, 12.0 GiB is available',
      ],
    });
    const r = await h.sup.start();
    expect(r).toEqual({ ok: false, message: 'start refused: the model needs 40.0 GiB, 12.0 GiB is available' });
    expect(h.sup.snapshot()).toMatchObject({ status: 'failed', reason: r.message, pid: null });
    expect(h.transitions().map((t) => t.to)).toEqual(['failed']);
    expect(seen[0]).toMatchObject({ why: 'started by user', cfg: { id: 'fit' } });
    expect(seen[0]!.argv).toContain(String(seen[0]!.port));
  });

  it('started anyway: every check runs and sees it, none refuses, and the process is spawned', async () => {
    const seen: PreStartContext[] = [];
    h = makeHarness(fakeBackend('fit', []), {
      preStart: [
        (ctx) => {
          seen.push(ctx);
          return 'first refuses';
        },
        (ctx) => {
          seen.push(ctx);
          return 'second refuses too';
        },
      ],
    });
    expect(await h.sup.start()).toMatchObject({ ok: false, message: 'start refused: first refuses' });
    expect(seen.map((c) => c.anyway)).toEqual([false]);
    const r = await h.sup.start({ anyway: true });
    expect(r.ok).toBe(true);
    expect(seen.slice(1).map((c) => [c.anyway, c.why])).toEqual([[true, 'started by user (anyway)'], [true, 'started by user (anyway)']]);
    await h.waitFor('ready');
    expect(h.sup.snapshot().pid).not.toBeNull();
  });

  it('a fault in a command (here a check that throws a TypeError) is logged and answered generically', async () => {
    const logged: string[] = [];
    const log: Logger = { warn: (m) => logged.push(m), error: (m, c) => logged.push(`${m}: ${(c as Error).name}`) };
    h = makeHarness(fakeBackend('bug', []), {
      log,
      preStart: [() => (undefined as unknown as { x: string }).x],
    });
    expect(await h.sup.start()).toEqual({ ok: false, message: INTERNAL_ERROR });
    expect(logged).toEqual(['bug: start failed: TypeError']);
    expect(h.sup.status).toBe('stopped');
  });

  it("an exit explainer's reading of the log tail is added to the exit's reason and the backoff's", async () => {
    const cfg = fakeBackend('cuda', [], {
      cmd: ['sh', '-c', 'echo "ggml_cuda_host_malloc: CUDA error: out of memory" >&2; exit 1'],
      restart: { policy: 'on-failure', backoff: { initialMs: 20_000, factor: 1, maxMs: 20_000 }, limit: { count: 5, windowMs: 60_000 } },
    });
    cfg.health = { ...cfg.health, path: null };
    h = makeHarness(cfg, {
      explainers: [() => null, ({ logTail }) => (/CUDA error: out of memory/.test(logTail) ? 'CUDA out of memory' : null)],
    });
    await h.sup.start();
    await h.waitFor('backoff');
    expect(h.sup.snapshot().lastExit).toMatchObject({ code: 1, reason: 'exited with code 1: CUDA out of memory' });
    expect(h.sup.snapshot().reason).toBe('exited with code 1: CUDA out of memory; restart after a 20s backoff');
  });

  it('tick work runs at the probe pace with the live pid and port, and its failures make the backend unhealthy', async () => {
    let failing = false;
    const ctxs: TickContext[] = [];
    const made: TickProcess[] = [];
    const cfg = fakeBackend('gen', []);
    cfg.health = { ...cfg.health, intervalMs: 100, unhealthyAfter: 2 };
    h = makeHarness(cfg, {
      tickWork: [
        (_cfg, proc) => {
          made.push(proc);
          return {
            tick: (ctx) => {
              ctxs.push(ctx);
              return failing ? 'generation probe: no token within 5s' : null;
            },
          };
        },
      ],
    });
    await h.sup.start();
    await h.waitFor('ready');
    const { pid, port } = h.sup.snapshot();
    expect(ctxs.at(-1)).toMatchObject({ pid, port });
    expect(made).toEqual([{ pid, port, logOffset: 0 }]);
    failing = true;
    await h.waitFor('unhealthy');
    expect(h.sup.snapshot().reason).toBe('generation probe: no token within 5s (2 failed probes)');
    failing = false;
    await h.waitFor('ready');
    expect(h.sup.snapshot().pid).toBe(pid);
    // Made again for the next process, told where its output starts in the log.
    await h.sup.restart();
    await h.waitFor('ready');
    expect(made).toHaveLength(2);
    expect(made[1]).toMatchObject({ pid: h.sup.snapshot().pid, logOffset: expect.any(Number) });
    const second = readFileSync(h.logPath).subarray(made[1]!.logOffset!).toString();
    expect(made[1]!.logOffset).toBeGreaterThan(0);
    expect(second).toMatch(/^build: 4242/);
    expect(second.match(/^build: /gm)).toHaveLength(1);
  });
});
