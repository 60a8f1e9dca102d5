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
  it('explains the kill with the same model as the prediction and offers only what fits', async () => {
    const argv = ['llama-server', '-m', MODEL, '-c', '32768', '--no-mmap'];
    const machine = { memAvailable: 20 * GiB, memTotal: 32 * GiB, memoryLimit: 12 * GiB };
    const a = (await adviseAfterOom({ oom: { anonRssKb: 12_400_000, fileRssKb: 2000 }, argv, machine })) as FitAdvice;
    // KV 32768 cells × 32 layers × 2 × 1024 × 2 B = 4 GiB: 12.7 GiB with the rest, over the 12 GiB limit.
    expect(a.diagnosis).toBe('killed at 11.8 GiB anon; weights 8.6 GiB + KV cache 4.0 GiB at -c 32768 (f16); the memory limit is 12.0 GiB.');
    // Fits = under 90 % of 12 GiB (10.8): -c 16384 halves the KV (10.7 GiB); q8_0 at 32768 (KV 2.1 GiB, 10.9) does not, q4_0 (KV 1.1 GiB) does.
    expect(a.options.map((o) => o.flags)).toEqual([['-c', '16384'], ['-ctk', 'q4_0', '-ctv', 'q4_0']]);
    for (const o of a.options) {
      // Each option is the prediction's own figure for those flags, and it fits.
      const p = await predictFit({ argv: [...argv, ...o.flags], machine });
      expect(p.verdict).toBe('fits');
      expect(p.verdict !== 'unknown' && p.total).toBe(o.needed);
    }
    expect(a.text).toMatch(/^killed at 11\.8 GiB anon; .* With -c 16384 it needs 10\.7 GiB; with -ctk q4_0 -ctv q4_0 at -c 32768, 9\.\d GiB\.$/);
  });

  it('says plainly when nothing fits, and that it cannot advise on another program', async () => {
    const a = (await adviseAfterOom({ oom: null, argv: ['llama-server', '-m', MODEL, '-c', '8192', '--no-mmap'], machine: { memAvailable: 6 * GiB, memTotal: 8 * GiB } })) as FitAdvice;
    expect(a.options).toEqual([]);
    expect(a.text).toMatch(/^killed; weights 8\.6 GiB \+ KV cache 1\.0 GiB at -c 8192 \(f16\); 6\.0 GiB was available\. No smaller context \(down to 2048\) or quantized KV cache fits/);
    expect(await adviseAfterOom({ oom: null, argv: ['whisper-server'], machine: { memAvailable: 1, memTotal: 1 } })).toMatchObject({ verdict: 'unknown' });
  });
});
