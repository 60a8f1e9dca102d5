// Predictions against the real llama-server on generated llama models:
// a 'fits' whose run stays within the figure (and whose parts match what
// llama-server itself reports), the learned correction for a new context, and
// a 'wont-fit' for --no-mmap in a memory cgroup that the kernel then enforces.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect } from 'vitest';
import type { FitEstimate } from '../../common/fit.js';
import { writeLlamaModel } from '../../../test-support/llama-model.js';
import { cgroupPeak, itLlamaServer, readProcMemory, startLlamaServer } from '../../../test-support/llama-run.js';
import { model as bedModel } from '../../../test-support/llama/testbed.js';
import { all, cgroupV1Memory, isRoot } from '../../../test-support/privileged.js';
import { makeCgroup, removeCgroup } from '../../../test-support/oom/oom-cgroup.js';
import { MeasurementStore } from './measurements.js';
import { predictFit } from './predict.js';
import { parseServerMemoryLog, sumBytes } from './server-log.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-fitreal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const MiB = 2 ** 20;
const GiB = 2 ** 30;
const SHAPE = { nEmbd: 256, nLayer: 4, nHead: 4, nHeadKv: 2, nFf: 768, type: 'F16' };

async function predict(file: string, flags: string[], store: MeasurementStore | null = null, memoryLimit: number | null = null): Promise<FitEstimate> {
  const p = await predictFit({ argv: ['llama-server', '-m', file, ...flags], machine: { memAvailable: 16 * GiB, memTotal: 16 * GiB, memoryLimit }, store });
  if (p.verdict === 'unknown') throw new Error(p.why);
  return p;
}

/** Runs llama-server until ready and through one prompt longer than a ubatch; returns its memory and log. */
async function run(file: string, flags: string[], cgroup?: string): Promise<{ hwm: number; anon: number; file: number; log: string }> {
  const r = await startLlamaServer(['-m', file, '-lv', '4', ...flags], { cgroup });
  try {
    await r.ready;
    const body = JSON.stringify({ prompt: 'the quick brown fox jumps over a lazy dog '.repeat(60), n_predict: 2 });
    await (await fetch(`http://127.0.0.1:${r.port}/completion`, { method: 'POST', body, headers: { 'content-type': 'application/json' } })).text();
    const m = readProcMemory(r.pid)!;
    return { hwm: m.hwm, anon: m.anon, file: m.file, log: r.log() };
  } finally {
    await r.stop();
  }
}

describe('fit against the real llama-server', () => {
  itLlamaServer('a fitting prediction covers the real run, part by part as llama-server reports them', async () => {
    const model = path.join(dir, 'small.gguf');
    await writeLlamaModel(model, SHAPE);
    const flags = ['-c', '8192', '-ctk', 'q8_0', '-ctv', 'q8_0'];
    const p = await predict(model, flags);
    expect(p.verdict).toBe('fits');
    const r = await run(model, flags);
    expect(r.hwm).toBeLessThanOrEqual(p.total);
    expect(r.hwm).toBeGreaterThan(p.total * 0.85);
    const log = parseServerMemoryLog(r.log)!;
    expect(log).not.toBeNull();
    // Weights and KV are exact (llama-server prints two decimals of MiB); compute within 5 %.
    expect(Math.abs(sumBytes(log.model) - p.formula.weights)).toBeLessThan(0.01 * MiB);
    expect(Math.abs(sumBytes(log.kv) - p.formula.kv)).toBeLessThan(0.01 * MiB);
    expect(Math.abs(sumBytes(log.compute) - p.formula.compute) / p.formula.compute).toBeLessThan(0.05);
  }, 120_000);

  itLlamaServer('after one measured run, a new context size is predicted within 5 %', async () => {
    const model = path.join(dir, 'learn.gguf');
    // 16 layers with full-size KV heads: KV per token (32 KiB) outweighs the compute buffer's per-token mask (1 KiB) as in real models.
    await writeLlamaModel(model, { nEmbd: 512, nLayer: 16, nHead: 8, nHeadKv: 8, nFf: 1024, type: 'F16' });
    const { store } = await MeasurementStore.open(path.join(dir, 'state'));
    const first = await predict(model, ['-c', '4096'], store);
    const r1 = await run(model, ['-c', '4096']);
    await store.record(first, { rss: r1.hwm, anon: r1.anon, file: r1.file, log: parseServerMemoryLog(r1.log) });
    const next = await predict(model, ['-c', '16384'], store);
    expect(next.measured).toMatchObject({ kind: 'corrected' });
    const r2 = await run(model, ['-c', '16384']);
    expect(Math.abs(next.total - r2.hwm) / r2.hwm).toBeLessThan(0.05);
    const same = await predict(model, ['-c', '4096'], store);
    expect(same.total).toBe(r1.hwm);
    expect(same.why).toContain('measured on the last run');
  }, 180_000);

  itLlamaServer("a Mixtral-style MoE on the CPU: --n-cpu-moe, --cpu-moe and -ot …=CPU move nothing (the experts stay mmap'ed), --no-mmap makes them anonymous; the prediction at load says the same", async () => {
    const file = await bedModel('moe');
    const cases: [string[], 'file' | 'anon'][] = [[[], 'file'], [['--n-cpu-moe', '4'], 'file'], [['--cpu-moe'], 'file'], [['-ot', 'exps=CPU'], 'file'], [['--no-mmap'], 'anon'], [['--n-cpu-moe', '2', '--no-mmap'], 'anon']];
    for (const [flags, backing] of cases) {
      const p = await predict(file, ['-c', '4096', ...flags]);
      const weights = p.parts.filter((x) => x.kind === 'weights');
      expect(weights.map((w) => [w.device, w.backing])).toEqual([['CPU', backing]]);
      const r = await startLlamaServer(['-m', file, '-c', '4096', '-lv', '4', ...flags]);
      try {
        await r.ready;
        const m = readProcMemory(r.pid)!;
        const log = parseServerMemoryLog(r.log())!;
        // Where llama.cpp put the experts: a mapped buffer (file pages) unless --no-mmap; on the CPU an override to CPU is the default buffer.
        expect(log.model.map((b) => b.buffer)).toEqual([backing === 'file' ? 'CPU_Mapped' : 'CPU']);
        expect(/tensor overrides to CPU are used with mmap enabled/.test(r.log())).toBe(flags.some((f) => /moe|^-ot$/.test(f)) && backing === 'file');
        // The split at load, within 5 % of what is resident each way.
        const at = p.atLoad;
        expect(Math.abs(m.anon - at.anon)).toBeLessThan(0.05 * at.total);
        expect(Math.abs(m.file - (at.total - at.anon))).toBeLessThan(0.05 * at.total);
      } finally {
        await r.stop();
      }
    }
  }, 240_000);

  itLlamaServer("a --no-mmap model in a smaller memory limit is 'wont-fit', and the kernel agrees", async () => {
    const model = path.join(dir, 'heap.gguf');
    await writeLlamaModel(model, SHAPE);
    const flags = ['-c', '4096', '--no-mmap'];
    const unlimited = await predict(model, flags);
    const limit = Math.floor((unlimited.anon - 24 * MiB) / 4096) * 4096;
    const p = await predict(model, flags, null, limit);
    expect(p.verdict).toBe('wont-fit');
    expect(p.budgets.find((b) => b.source === 'memoryLimit')!.why).toMatch(/^anonymous part .* > memoryLimit/);
    const cg = makeCgroup(limit);
    try {
      const s = await startLlamaServer(['-m', model, ...flags], { cgroup: cg, timeoutMs: 60_000 });
      const outcome = await Promise.race([s.ready.then(() => 'ready' as const, () => 'died' as const), s.exited.then(() => 'died' as const)]);
      const exit = outcome === 'died' ? await s.exited : null;
      await s.stop();
      expect(outcome).toBe('died');
      expect(exit!.signal).toBe('SIGKILL');
      expect(cgroupPeak(cg)).toBeGreaterThanOrEqual(limit - 1 * MiB);
    } finally {
      removeCgroup(cg);
    }
  }, 120_000, all(isRoot, cgroupV1Memory));
});
