import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FitAdvice } from '../../common/fit.js';
import { kv, writeGguf, type TensorSpec } from '../../../test-support/gguf-writer.js';
import { adviseAfterOom } from './advice.js';
import { predictFit } from './predict.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-advice-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const GiB = 2 ** 30;

// 32 layers, 4096 wide, 8 KV heads of 128 (8B-like), F16 attention and Q8_0 feed-forward
// weights, on disk as a hole: 2 × 4096 × 32000 × 2 B + 32 × (2 × 4096² × 2 + 2 × 4096 × 1024 × 2 + 3 × 4096 × 14336 / 32 × 34) B = 8.57 GiB.
const MODEL = path.join(dir, 'eight-b.gguf');
{
  const t: TensorSpec[] = [{ name: 'token_embd.weight', dims: [4096, 32000], type: 1 }, { name: 'output.weight', dims: [4096, 32000], type: 1 }];
  for (let i = 0; i < 32; i++) {
    t.push({ name: `blk.${i}.attn_q.weight`, dims: [4096, 4096], type: 1 }, { name: `blk.${i}.attn_output.weight`, dims: [4096, 4096], type: 1 });
    t.push({ name: `blk.${i}.attn_k.weight`, dims: [4096, 1024], type: 1 }, { name: `blk.${i}.attn_v.weight`, dims: [4096, 1024], type: 1 });
    for (const n of ['ffn_gate', 'ffn_up']) t.push({ name: `blk.${i}.${n}.weight`, dims: [4096, 14336], type: 8 });
    t.push({ name: `blk.${i}.ffn_down.weight`, dims: [14336, 4096], type: 8 });
  }
  writeGguf(MODEL, [
    ['general.architecture', kv.str('llama')], ['llama.block_count', kv.u32(32)], ['llama.context_length', kv.u32(131072)],
    ['llama.embedding_length', kv.u32(4096)], ['llama.feed_forward_length', kv.u32(14336)], ['llama.attention.head_count', kv.u32(32)],
    ['llama.attention.head_count_kv', kv.u32(8)], ['llama.vocab_size', kv.u32(32000)],
  ], t, { data: 'sparse' });
}

describe('advice after an OOM kill', () => {
  it('explains the kill with the same model as the prediction; its first option keeps the asked context, then the largest context of the asked cache type', async () => {
    const argv = ['llama-server', '-m', MODEL, '-c', '32768', '--no-mmap'];
    const machine = { memAvailable: 20 * GiB, memTotal: 32 * GiB, memoryLimit: 12 * GiB };
    const a = (await adviseAfterOom({ oom: { anonRssKb: 12_400_000, fileRssKb: 2000 }, argv, machine })) as FitAdvice;
    // KV 32768 cells × 32 layers × 2 × 1024 × 2 B = 4 GiB: 12.7 GiB with the rest, over the 12 GiB limit.
    expect(a.diagnosis).toBe('killed at 11.8 GiB anon; weights 8.6 GiB + KV cache 4.0 GiB + compute 148 MiB at -c 32768 (f16); the memory limit is 12.0 GiB.');
    // The margin: under 90 % of 12 GiB (10.8). A q8_0 cache keeps -c 32768 once -ub 256 trims the compute buffer;
    // with the f16 cache the largest context is 17408 (with -ub 256) or 16384 (nothing else changed).
    expect(a.options.map((o) => o.flags)).toEqual([['-ctk', 'q8_0', '-ctv', 'q8_0', '-ub', '256'], ['-c', '17408', '-ub', '256'], ['-c', '16384']]);
    for (const o of a.options) {
      // Each option is the prediction's own figure for those flags, it fits, and 1024 more context would not.
      const p = await predictFit({ argv: [...argv, ...o.flags], machine });
      expect(p.verdict).toBe('fits');
      expect(p.verdict !== 'unknown' && p.total).toBe(o.needed);
      if (o.flags[0] === '-c') {
        const more = await predictFit({ argv: [...argv, ...o.flags, '-c', String(Number(o.flags[1]) + 1024)], machine });
        expect(more.verdict).not.toBe('fits');
      }
    }
    expect(a.text).toMatch(/^killed at 11\.8 GiB anon; .* With a q8_0 KV cache, -ub 256 .*, keeping -c 32768 it needs 10\.8 GiB; or with -c 17408, .*; or with -c 16384 it needs 10\.7 GiB \(each leaves 10 % of the limit free\)\.$/);
  });

  it('weights over the limit under --no-mmap: mmap is the way (page cache is reclaimable), said as slow; another program gets no advice', async () => {
    const a = (await adviseAfterOom({ oom: null, argv: ['llama-server', '-m', MODEL, '-c', '8192', '--no-mmap'], machine: { memAvailable: 6 * GiB, memTotal: 8 * GiB } })) as FitAdvice;
    expect(a.options.map((o) => o.flags)).toEqual([['-lm', 'mmap']]);
    expect(a.text).toMatch(/^killed; weights 8\.6 GiB \+ KV cache 1\.0 GiB .* 6\.0 GiB was available\. With the weights mmap'ed .*, keeping -c 8192 it needs 9\.7 GiB \(1\.1 GiB anon\); the weights do not all stay in memory and are re-read from disk \(slow\)/);
    expect(await adviseAfterOom({ oom: null, argv: ['whisper-server'], machine: { memAvailable: 1, memTotal: 1 } })).toMatchObject({ verdict: 'unknown' });
  });

  it('says plainly when nothing fits', async () => {
    const a = (await adviseAfterOom({ oom: null, argv: ['llama-server', '-m', MODEL, '-c', '8192'], machine: { memAvailable: 64 * 2 ** 20, memTotal: 8 * GiB } })) as FitAdvice;
    expect(a.options).toEqual([]);
    expect(a.text).toMatch(/^killed; weights 8\.6 GiB .* 64\.0 MiB was available\. Nothing fits with a 10 % margin, down to -c 2048 with a q4_0 KV cache/);
  });

  it('a long prompt that kills (no flash attention, big context): flash attention and a smaller ubatch keep the context', async () => {
    const argv = ['llama-server', '-m', MODEL, '-c', '16384', '-fa', 'off', '--no-mmap'];
    const unlimited = await predictFit({ argv, machine: { memAvailable: 64 * GiB, memTotal: 64 * GiB } });
    if (unlimited.verdict === 'unknown') throw new Error(unlimited.why);
    // Room for what it holds at load and a little more: a prompt of a few thousand tokens kills it.
    const machine = { memAvailable: 64 * GiB, memTotal: 64 * GiB, memoryLimit: unlimited.anon - 512 * 2 ** 20 };
    const p = await predictFit({ argv, machine });
    expect(p.verdict).toBe('killed-on-prompt');
    const a = (await adviseAfterOom({ oom: null, argv, machine })) as FitAdvice;
    // Flash attention's compute buffer is a fraction of the f32 scores of every head; the context stays (a q8_0 cache makes up the margin).
    expect(a.options[0]!.flags).toEqual(['-ctk', 'q8_0', '-ctv', 'q8_0', '-fa', 'on']);
    expect(a.options[0]!.text).toMatch(/^with a q8_0 KV cache, flash attention \(-fa on\), keeping -c 16384 it needs/);
  });

  it("a GPU that does not hold a mixture of experts: the experts of the first layers go to the CPU before whole layers do", async () => {
    const moe = path.join(dir, 'moe.gguf');
    const t: TensorSpec[] = [{ name: 'token_embd.weight', dims: [2048, 32000], type: 8 }, { name: 'output.weight', dims: [2048, 32000], type: 8 }];
    for (let i = 0; i < 24; i++) {
      t.push({ name: `blk.${i}.attn_q.weight`, dims: [2048, 2048], type: 8 }, { name: `blk.${i}.attn_output.weight`, dims: [2048, 2048], type: 8 });
      t.push({ name: `blk.${i}.attn_k.weight`, dims: [2048, 512], type: 8 }, { name: `blk.${i}.attn_v.weight`, dims: [2048, 512], type: 8 });
      t.push({ name: `blk.${i}.ffn_gate_inp.weight`, dims: [2048, 32], type: 0 });
      for (const n of ['ffn_gate_exps', 'ffn_up_exps']) t.push({ name: `blk.${i}.${n}.weight`, dims: [2048, 1024, 32], type: 8 });
      t.push({ name: `blk.${i}.ffn_down_exps.weight`, dims: [1024, 2048, 32], type: 8 });
    }
    writeGguf(moe, [
      ['general.architecture', kv.str('llama')], ['llama.block_count', kv.u32(24)], ['llama.context_length', kv.u32(32768)],
      ['llama.embedding_length', kv.u32(2048)], ['llama.feed_forward_length', kv.u32(1024)], ['llama.attention.head_count', kv.u32(16)],
      ['llama.attention.head_count_kv', kv.u32(4)], ['llama.vocab_size', kv.u32(32000)], ['llama.expert_count', kv.u32(32)], ['llama.expert_used_count', kv.u32(4)],
    ], t, { data: 'sparse' });
    const argv = ['llama-server', '-m', moe, '-c', '8192', '-ngl', '99'];
    const gpus = [{ name: 'stand-in', vramTotal: 4 * GiB, vramUsed: 0 }];
    const machine = { memAvailable: 32 * GiB, memTotal: 32 * GiB, gpus };
    const p = await predictFit({ argv, machine });
    expect(p.verdict).toBe('wont-fit');
    const a = (await adviseAfterOom({ oom: null, argv, machine })) as FitAdvice;
    const flags = a.options.map((o) => o.flags);
    const moeOption = flags.findIndex((f) => f[0] === '--n-cpu-moe');
    const nglOption = flags.findIndex((f) => f[0] === '-ngl');
    expect(moeOption).toBeGreaterThanOrEqual(0);
    expect(nglOption === -1 || nglOption > moeOption).toBe(true);
    const n = Number(flags[moeOption]![1]);
    // The fewest expert layers on the CPU: one fewer does not fit.
    expect((await predictFit({ argv: [...argv, '--n-cpu-moe', String(n)], machine })).verdict).toBe('fits');
    expect((await predictFit({ argv: [...argv, '--n-cpu-moe', String(n - 1)], machine })).verdict).not.toBe('fits');
  });
});
