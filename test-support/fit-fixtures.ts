// For tests of the fit wiring that need no real llama-server: a sparse
// llama-architecture GGUF (its header is all a prediction reads; the weights
// are a hole, so hundreds of MiB cost nothing on disk) and a `llama-server`
// on PATH that is the fake server fixture, so the core predicts for it as
// for the real one while a small Node process runs.
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { kv, writeGguf, type TensorSpec } from './gguf-writer.js';
import { FAKE_LLAMA_SERVER } from './helpers.js';

export interface SparseModel {
  layers: number;
  embd: number;
  vocab: number;
  ctxTrain?: number;
}

/** A llama model of F16 weights (a hole on disk); returns its path. */
export function writeSparseModel(file: string, m: SparseModel): string {
  const F16 = 1;
  const F32 = 0;
  const t: TensorSpec[] = [
    { name: 'token_embd.weight', dims: [m.embd, m.vocab], type: F16 },
    { name: 'output_norm.weight', dims: [m.embd], type: F32 },
    { name: 'output.weight', dims: [m.embd, m.vocab], type: F16 },
  ];
  for (let i = 0; i < m.layers; i++) {
    for (const n of ['attn_q', 'attn_k', 'attn_v', 'attn_output']) t.push({ name: `blk.${i}.${n}.weight`, dims: [m.embd, m.embd], type: F16 });
    for (const n of ['ffn_gate', 'ffn_up']) t.push({ name: `blk.${i}.${n}.weight`, dims: [m.embd, 2 * m.embd], type: F16 });
    t.push({ name: `blk.${i}.ffn_down.weight`, dims: [2 * m.embd, m.embd], type: F16 });
  }
  writeGguf(
    file,
    [
      ['general.architecture', kv.str('llama')],
      ['llama.block_count', kv.u32(m.layers)],
      ['llama.context_length', kv.u32(m.ctxTrain ?? 4096)],
      ['llama.embedding_length', kv.u32(m.embd)],
      ['llama.feed_forward_length', kv.u32(2 * m.embd)],
      ['llama.attention.head_count', kv.u32(8)],
      ['llama.attention.head_count_kv', kv.u32(8)],
      ['llama.vocab_size', kv.u32(m.vocab)],
    ],
    t,
    { data: 'sparse' },
  );
  return file;
}

/** Writes `<dir>/llama-server`, a wrapper that runs the fake server with the given arguments; returns `dir` (put it first in PATH). */
export function fakeLlamaServerBin(dir: string): string {
  const bin = path.join(dir, 'llama-server');
  writeFileSync(bin, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(FAKE_LLAMA_SERVER)} "$@"\n`);
  chmodSync(bin, 0o755);
  return dir;
}
