// The llama seams on a real supervisor with real processes that write
// captured llama-server logs (fixtures of the test bed's build) into the
// backend's log: the view that reaches the store, and the exit reason.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { LlamaView } from '../../../common/llama.js';
import { waitFor } from '../../../../test-support/helpers.js';
import { fakeBackend, makeHarness, type Harness } from '../../../../test-support/supervisor-harness.js';
import { BackendLog } from '../../logs/backend-log.js';
import type { TickWorkFactory } from '../../supervisor/seams.js';
import type { SupervisedBackendConfig } from '../../supervisor/types.js';
import { llamaSeams } from './llama-feed.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'llama', 'fixtures');
const MiB = 1024 * 1024;

let h: Harness | null = null;
let log: BackendLog | null = null;
afterEach(async () => {
  log?.stop();
  await h?.cleanup();
  h = log = null;
});

/** A supervisor with the llama seams, whose published views are kept. */
function harness(cfg: SupervisedBackendConfig): { h: Harness; views: (LlamaView | null)[] } {
  const views: (LlamaView | null)[] = [];
  const seams = llamaSeams({ log: () => log! });
  // What the seams hand the backend's llama sink is kept, then passed on.
  const tickWork: TickWorkFactory = (c, proc, backend) =>
    seams.tickWork(c, proc, {
      ...backend,
      setLlama: (v) => {
        views.push(v);
        backend.setLlama(v);
      },
    });
  h = makeHarness(cfg, { tickWork: [tickWork], explainers: [seams.explainer] });
  log = new BackendLog(h.logPath, { pollMs: 100 });
  log.start();
  return { h, views };
}

const replay = (fixture: string, then: string): string[] => ['sh', '-c', `cat "$0"; ${then}`, path.join(fixtures, fixture)];

describe('llama seams on a supervisor', () => {
  it("an exit is explained from the process's log: 'exited with code 1: model file not found: …', and the view says so", async () => {
    const cfg = fakeBackend('llm', [], {
      cmd: replay('local-missing-model.log', 'exit 1'),
      llama: true,
      health: { ...fakeBackend('x', []).health, path: null },
      restart: { policy: 'on-failure', backoff: { initialMs: 60_000, factor: 1, maxMs: 60_000 }, limit: { count: 5, windowMs: 60_000 } },
    });
    const { h } = harness(cfg);
    await h.sup.start();
    await h.waitFor('backoff');
    const b = h.store.getBackend('llm')!;
    expect(b.lastExit).toMatchObject({ code: 1, reason: 'exited with code 1: model file not found: /nonexistent/model.gguf' });
    expect(b.llama).toMatchObject({
      phase: 'failed',
      model: { path: '/nonexistent/model.gguf' },
      deathReason: { kind: 'model-missing', summary: 'Model file not found: /nonexistent/model.gguf' },
      lastDeath: { pid: b.lastExit!.pid, reason: { kind: 'model-missing' } },
    });
  });

  it('a CUDA out-of-memory death is an OOM of kind gpu with device and size: in the exit, the OOM list and an oom event, not a kernel kill', async () => {
    const cfg = fakeBackend('llm', [], {
      cmd: replay('gpu-oom-cuda-kv.log', 'exit 1'),
      llama: true,
      health: { ...fakeBackend('x', []).health, path: null },
      restart: { policy: 'on-failure', backoff: { initialMs: 60_000, factor: 1, maxMs: 60_000 }, limit: { count: 5, windowMs: 60_000 } },
    });
    const { h } = harness(cfg);
    await h.sup.start();
    await h.waitFor('backoff');
    const b = h.store.getBackend('llm')!;
    expect(b.lastExit).toMatchObject({ code: 1, oomKilled: false, reason: 'exited with code 1: GPU out of memory: CUDA1 could not allocate 9.0 GiB' });
    const gpu = { kind: 'gpu', killer: 'backend', backend: 'llm', pid: b.lastExit!.pid, gpu: expect.objectContaining({ device: 'CUDA1', bytes: 9 * 1024 * MiB, summary: 'GPU out of memory: CUDA1 could not allocate 9.0 GiB' }) };
    expect(b.lastExit!.gpuOom).toMatchObject(gpu);
    expect(h.store.get().ooms).toEqual([expect.objectContaining(gpu)]);
    const oomEvents = h.store.get().events.filter((e) => e.kind === 'oom');
    expect(oomEvents).toEqual([expect.objectContaining({ backend: 'llm', reason: 'GPU out of memory: CUDA1 could not allocate 9.0 GiB', oom: expect.objectContaining({ kind: 'gpu' }) })]);
  });

  it('a load at -lv 4 reaches the store as phase, context, KV cache and memory per device from the log', async () => {
    // The run's log up to "listening" (the rest is a request and the shutdown).
    const cfg = fakeBackend('llm', [], {
      cmd: ['sh', '-c', 'sed -n 1,94p "$0"; exec sleep 60', path.join(fixtures, 'local-lv4.log')],
      llama: true,
      health: { ...fakeBackend('x', []).health, path: null },
    });
    const { h, views } = harness(cfg);
    await h.sup.start();
    await waitFor(() => h.store.getBackend('llm')!.llama?.phase === 'listening', 30_000, 'the log read to "listening"');
    const v = h.store.getBackend('llm')!.llama!;
    expect(v).toMatchObject({ contextSize: 4096, logVerbosity: 4, slots: { total: 4, source: 'log' }, deathReason: null, lastDeath: null });
    expect(v.kvCaches).toEqual([expect.objectContaining({ cells: 4096, typeK: 'f16', typeV: 'f16', bytes: 1 * MiB })]);
    expect(v.memory).toEqual([expect.objectContaining({ device: 'Host', source: 'log', kv: 1 * MiB })]);
    expect(v.memory[0]!.weights).toBeCloseTo(7.95 * MiB, -3);
    expect(v.memory[0]!.compute).toBeCloseTo(5.01 * MiB, -3);
    // The first view (a fresh start) is published at once; the load's lines arrive as a handful of updates, not one per line.
    expect(views[0]).toMatchObject({ phase: 'starting', memory: [] });
    expect(views.length).toBeLessThan(10);
  });

  it('a backend that is not a llama-server gets no view and no log-derived exit note', async () => {
    const cfg = fakeBackend('other', [], {
      cmd: replay('local-missing-model.log', 'exit 1'),
      health: { ...fakeBackend('x', []).health, path: null },
      restart: { policy: 'never', backoff: { initialMs: 1000, factor: 1, maxMs: 1000 }, limit: { count: 0, windowMs: 1000 } },
    });
    const { h, views } = harness(cfg);
    await h.sup.start();
    await h.waitFor('exited');
    expect(h.store.getBackend('other')).toMatchObject({ llama: null, lastExit: { code: 1 } });
    expect(h.store.getBackend('other')!.lastExit!.reason).not.toMatch(/model/);
    expect(views.every((v) => v === null)).toBe(true);
  });
});
