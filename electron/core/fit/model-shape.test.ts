import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kv, writeGguf, type Kv } from '../../../test-support/gguf-writer.js';
import { readGgufHeader } from './gguf-header.js';
import { modelShape, tensorLayer } from './model-shape.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-shape-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function shape(arch: string, extra: Kv[]) {
  const f = path.join(dir, `${arch}-${Math.random().toString(36).slice(2)}.gguf`);
  writeGguf(f, [['general.architecture', kv.str(arch)], [`${arch}.block_count`, kv.u32(6)], [`${arch}.embedding_length`, kv.u32(1024)],
    [`${arch}.attention.head_count`, kv.u32(8)], ...extra], [], { data: 'sparse' });
  return modelShape(await readGgufHeader(f));
}

describe('model shape', () => {
  it('reads per-layer heads, explicit head sizes and a sliding-window pattern given as an array', async () => {
    const s = await shape('step35', [
      ['step35.attention.head_count_kv', kv.arr('u32', [2, 2, 4, 2, 2, 4])],
      ['step35.attention.key_length', kv.u32(256)],
      ['step35.attention.value_length', kv.u32(128)],
      ['step35.attention.sliding_window', kv.u32(512)],
      ['step35.attention.sliding_window_pattern', kv.arr('bool', [true, true, false, true, true, false])],
    ]);
    expect(s.nEmbdKGqa).toEqual([512, 512, 1024, 512, 512, 1024]);
    expect(s.nEmbdVGqa).toEqual([256, 256, 512, 256, 256, 512]);
    expect(s.isSwa).toEqual([true, true, false, true, true, false]);
    expect(s.ctxTrain).toBe(4096);
  });

  it("uses llama.cpp's default periods, a number pattern, and says when it cannot tell which layers slide", async () => {
    expect((await shape('gemma3', [['gemma3.attention.sliding_window', kv.u32(1024)]])).isSwa).toEqual([true, true, true, true, true, false]);
    expect((await shape('gemma3', [['gemma3.attention.sliding_window', kv.u32(1024)], ['gemma3.attention.sliding_window_pattern', kv.u32(3)]])).isSwa).toEqual([true, true, false, true, true, false]);
    expect((await shape('gemma2', [])).swaWindow).toBe(4096);
    const unknown = await shape('newarch', [['newarch.attention.sliding_window', kv.u32(1024)]]);
    expect(unknown.swaWindow).toBe(0);
    expect(unknown.unmodelled[0]).toContain('which layers use the sliding window is not known');
  });

  it('sizes latent attention (MLA) as one compressed KV head, and RWKV state per sequence', async () => {
    const mla = await shape('deepseek2', [['deepseek2.attention.kv_lora_rank', kv.u32(512)], ['deepseek2.rope.dimension_count', kv.u32(64)]]);
    expect(mla.nEmbdKGqa[0]).toBe(576);
    expect(mla.nEmbdVGqa[0]).toBe(512);
    const rwkv = await shape('rwkv7', [['rwkv7.attention.head_count_kv', kv.u32(0)], ['rwkv7.wkv.head_size', kv.u32(64)]]);
    expect(rwkv.isRecurrent.every(Boolean)).toBe(true);
    expect([rwkv.recurrentR, rwkv.recurrentS]).toEqual([2 * 1024, 1024 * 64]);
  });

  it("names a tensor's layer", () => {
    expect(['blk.12.attn_q.weight', 'token_embd.weight', 'output.weight', 'output_norm.weight', 'rope_freqs.weight'].map(tensorLayer)).toEqual([12, 'input', 'output', 'output', 'input']);
  });
});
