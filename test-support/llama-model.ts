// Generated llama-architecture GGUF models for the fit tests and bench: the
// tokenizer comes from llama.cpp's own vocab-only GGUF (32000 tokens, SPM),
// the weights are filler (or a hole), so the real llama-server loads them.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readGgufHeader } from '../electron/core/fit/gguf-header.js';
import { ggmlTypeByName } from '../electron/core/fit/ggml-types.js';
import { kv, writeGguf, type Kv, type KvValue, type TensorSpec } from './gguf-writer.js';

export const LLAMA_SRC = path.join(process.env.VIGIL_LLAMA_CACHE ?? path.join(os.homedir(), '.cache', 'vigil-testbed'), 'llama-cpp-3.21.1', 'src');
export const LLAMA_SERVER = path.join(LLAMA_SRC, 'build', 'bin', 'llama-server');
export const VOCAB_GGUF = path.join(LLAMA_SRC, 'models', 'ggml-vocab-llama-spm.gguf');

export interface LlamaShape {
  nEmbd: number;
  nLayer: number;
  nHead: number;
  nHeadKv: number;
  nFf: number;
  /** 'F16', 'Q8_0', 'F32', 'BF16'… for the big matrices; norms stay F32. */
  type: string;
  ctxTrain?: number;
  /** Leave out output.weight (llama.cpp then ties it to token_embd). */
  tiedOutput?: boolean;
}

/** The shapes of a llama model's tensors (llama.cpp's LLM_ARCH_LLAMA). */
export function llamaTensors(s: LlamaShape, nVocab: number): TensorSpec[] {
  const t = ggmlTypeByName(s.type);
  if (!t) throw new Error(`unknown type ${s.type}`);
  const F32 = 0;
  const headDim = s.nEmbd / s.nHead;
  const kvDim = headDim * s.nHeadKv;
  const out: TensorSpec[] = [{ name: 'token_embd.weight', dims: [s.nEmbd, nVocab], type: t.id }, { name: 'output_norm.weight', dims: [s.nEmbd], type: F32 }];
  if (!s.tiedOutput) out.push({ name: 'output.weight', dims: [s.nEmbd, nVocab], type: t.id });
  for (let i = 0; i < s.nLayer; i++) {
    const b = `blk.${i}.`;
    out.push(
      { name: `${b}attn_norm.weight`, dims: [s.nEmbd], type: F32 },
      { name: `${b}attn_q.weight`, dims: [s.nEmbd, s.nEmbd], type: t.id },
      { name: `${b}attn_k.weight`, dims: [s.nEmbd, kvDim], type: t.id },
      { name: `${b}attn_v.weight`, dims: [s.nEmbd, kvDim], type: t.id },
      { name: `${b}attn_output.weight`, dims: [s.nEmbd, s.nEmbd], type: t.id },
      { name: `${b}ffn_norm.weight`, dims: [s.nEmbd], type: F32 },
      { name: `${b}ffn_gate.weight`, dims: [s.nEmbd, s.nFf], type: t.id },
      { name: `${b}ffn_up.weight`, dims: [s.nEmbd, s.nFf], type: t.id },
      { name: `${b}ffn_down.weight`, dims: [s.nFf, s.nEmbd], type: t.id },
    );
  }
  return out;
}

let tokenizer: Promise<{ kvs: Kv[]; nVocab: number }> | null = null;

/** The tokenizer keys of llama.cpp's SPM vocab file, copied with their types. */
function loadTokenizer(): Promise<{ kvs: Kv[]; nVocab: number }> {
  tokenizer ??= readGgufHeader(VOCAB_GGUF, { keepArrays: true }).then((h) => {
    const kvs: Kv[] = [];
    let nVocab = 0;
    for (const [key, e] of h.metadata) {
      if (!key.startsWith('tokenizer.')) continue;
      const v: KvValue = e.type === 'array' ? { type: 'array', of: e.of, values: e.values ?? [] } : { type: e.type, value: e.value };
      if (key === 'tokenizer.ggml.tokens' && e.type === 'array') nVocab = e.length;
      kvs.push([key, v]);
    }
    return { kvs, nVocab };
  });
  return tokenizer;
}

export const haveVocab = (): boolean => existsSync(VOCAB_GGUF);

/** Writes a llama model to `file`; returns its size. */
export async function writeLlamaModel(file: string, s: LlamaShape, data: 'fill' | 'sparse' = 'fill'): Promise<number> {
  const { kvs: tok, nVocab } = await loadTokenizer();
  const fileType = { F32: 0, F16: 1, Q8_0: 7, BF16: 32 }[s.type] ?? 1;
  const kvs: Kv[] = [
    ['general.architecture', kv.str('llama')],
    ['general.name', kv.str(`vigil-test ${s.nLayer}x${s.nEmbd} ${s.type}`)],
    ['general.file_type', kv.u32(fileType)],
    ['llama.block_count', kv.u32(s.nLayer)],
    ['llama.context_length', kv.u32(s.ctxTrain ?? 4096)],
    ['llama.embedding_length', kv.u32(s.nEmbd)],
    ['llama.feed_forward_length', kv.u32(s.nFf)],
    ['llama.attention.head_count', kv.u32(s.nHead)],
    ['llama.attention.head_count_kv', kv.u32(s.nHeadKv)],
    ['llama.attention.layer_norm_rms_epsilon', kv.f32(1e-5)],
    ['llama.rope.dimension_count', kv.u32(s.nEmbd / s.nHead)],
    ['llama.vocab_size', kv.u32(nVocab)],
    ...tok,
  ];
  return writeGguf(file, kvs, llamaTensors(s, nVocab), { data });
}
