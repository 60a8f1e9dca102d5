// What the estimator needs from a GGUF header, as llama.cpp reads it
// (src/llama-model.cpp, src/models/*.cpp, src/llama-hparams.cpp): layer count,
// trained context, attention heads and head sizes per layer, sliding-window
// layers, recurrent (SSM/RWKV) layers and their state sizes, and each
// tensor's layer. Per-layer keys may be scalars or arrays.
import { metaNumber, metaPerLayer, metaString, type GgufHeader } from './gguf-header.js';
import { ggmlType } from './ggml-types.js';

export interface ModelShape {
  arch: string;
  name: string | null;
  nLayer: number;
  ctxTrain: number;
  nEmbd: number;
  nVocab: number;
  /** BPE merges in the tokenizer (0 for SentencePiece vocabularies): each is a map entry in memory. */
  nMerges: number;
  /** Largest feed-forward width (dense, or experts used × expert width for MoE). */
  nFf: number;
  /** Mixture of experts: experts per layer and used per token (0 for a dense model). */
  nExpert: number;
  nExpertUsed: number;
  /** ggml type name of ffn_down (or its experts), lower case: what the CPU backend converts the feed-forward's input for. */
  ffnDownType: string;
  nHead: number[];
  nHeadKv: number[];
  /** Per layer: K and V row length (head size × KV heads). */
  nEmbdKGqa: number[];
  nEmbdVGqa: number[];
  /** Sliding-window size (0 = none) and which layers use it. */
  swaWindow: number;
  isSwa: boolean[];
  /** Layers with recurrent state instead of a KV cache, and their state per sequence (F32 elements). */
  isRecurrent: boolean[];
  recurrentR: number;
  recurrentS: number;
  /** Something in this model whose memory is not modelled (said in the prediction). */
  unmodelled: string[];
}

/** Default every-Nth-layer-is-dense periods for architectures with a sliding window (src/models/*.cpp). */
const SWA_PERIOD: Record<string, number> = {
  gemma2: 2, gemma3: 6, gemma3n: 5, 'gemma-embedding': 6, cohere2: 4, 'gpt-oss': 2, exaone4: 4, olmo2: 4, llama4: 4, plamo3: 8, afmoe: 4,
};
/** Window llama.cpp assumes when the key is missing. */
const SWA_DEFAULT_WINDOW: Record<string, number> = { gemma2: 4096 };

export class ModelShapeError extends Error {}

export function modelShape(h: GgufHeader): ModelShape {
  const file = h.files[0]!;
  const arch = metaString(h, 'general.architecture');
  if (!arch) throw new ModelShapeError(`${file}: no general.architecture in the header`);
  const k = (s: string): string => `${arch}.${s}`;
  const nLayer = metaNumber(h, k('block_count'));
  const nEmbd = metaNumber(h, k('embedding_length'));
  if (!nLayer || !nEmbd) throw new ModelShapeError(`${file}: ${arch} model without ${!nLayer ? k('block_count') : k('embedding_length')}`);
  const unmodelled: string[] = [];
  const tokens = h.metadata.get('tokenizer.ggml.tokens');
  const embd = h.tensors.find((t) => t.name === 'token_embd.weight');
  const nVocab = metaNumber(h, k('vocab_size')) ?? (tokens?.type === 'array' ? tokens.length : null) ?? embd?.dims[1] ?? 0;

  const nHead = metaPerLayer(h, k('attention.head_count'), nLayer) ?? Array<number>(nLayer).fill(0);
  const nHeadKv = metaPerLayer(h, k('attention.head_count_kv'), nLayer) ?? [...nHead];
  const maxHead = Math.max(...nHead, 1);
  const headK = metaNumber(h, k('attention.key_length')) ?? nEmbd / maxHead;
  const headV = metaNumber(h, k('attention.value_length')) ?? nEmbd / maxHead;
  // Multi-head latent attention (DeepSeek-2/3, Kimi): one compressed KV "head" of kv_lora_rank (+ rope dims for K).
  const kvLora = metaNumber(h, k('attention.kv_lora_rank'));
  const nRot = metaNumber(h, k('rope.dimension_count')) ?? 0;
  const nEmbdKGqa = nHeadKv.map((n) => (kvLora ? (n > 0 ? kvLora + nRot : 0) : headK * n));
  const nEmbdVGqa = nHeadKv.map((n) => (kvLora ? (n > 0 ? kvLora : 0) : headV * n));

  const ffPer = metaPerLayer(h, k('feed_forward_length'), nLayer) ?? [];
  const nExpert = metaNumber(h, k('expert_count')) ?? 0;
  const nExpertUsed = nExpert ? (metaNumber(h, k('expert_used_count')) ?? 0) : 0;
  // Mixtral-style models (the llama architecture) give each expert feed_forward_length; others have a key of their own.
  const ffExp = metaNumber(h, k('expert_feed_forward_length')) ?? (nExpert ? Math.max(...ffPer, 0) : 0);
  const nFf = Math.max(...ffPer, nExpertUsed * ffExp, 0);

  let swaWindow = metaNumber(h, k('attention.sliding_window')) ?? SWA_DEFAULT_WINDOW[arch] ?? 0;
  let isSwa = Array<boolean>(nLayer).fill(false);
  if (swaWindow > 0) {
    const pat = h.metadata.get(k('attention.sliding_window_pattern'));
    if (pat?.type === 'array' && pat.values) isSwa = Array.from({ length: nLayer }, (_, i) => Boolean(pat.values![i]));
    else {
      const period = pat && pat.type !== 'array' ? Number(pat.value) : (SWA_PERIOD[arch] ?? (arch === 'phi3' ? 1 : 0));
      if (period === 0 && !pat) {
        unmodelled.push(`${arch}: which layers use the sliding window is not known here; all are sized to the full context`);
        swaWindow = 0;
      } else {
        isSwa = Array.from({ length: nLayer }, (_, i) => period <= 1 || i % period < period - 1);
      }
    }
  }

  // Recurrent state: Mamba-style SSM, RWKV, LFM2 short convolutions.
  const dConv = metaNumber(h, k('ssm.conv_kernel')) ?? 0;
  const dInner = metaNumber(h, k('ssm.inner_size')) ?? 0;
  const dState = metaNumber(h, k('ssm.state_size')) ?? 0;
  const nGroup = metaNumber(h, k('ssm.group_count')) ?? 0;
  const wkvHead = metaNumber(h, k('wkv.head_size')) ?? 0;
  const lCache = metaNumber(h, k('shortconv.l_cache')) ?? 0;
  let recurrentR = 0;
  let recurrentS = 0;
  if (wkvHead) {
    recurrentR = (metaNumber(h, k('token_shift_count')) ?? 2) * nEmbd;
    recurrentS = nEmbd * wkvHead;
  } else if (lCache) {
    recurrentR = nEmbd * (lCache - 1);
  } else if (dInner || dState) {
    recurrentR = (dConv > 0 ? dConv - 1 : 0) * (dInner + 2 * nGroup * dState);
    recurrentS = dState * dInner;
  }
  const hasRecurrent = recurrentR + recurrentS > 0;
  const isRecurrent = nHeadKv.map((n) => hasRecurrent && n === 0);
  if (!hasRecurrent && nHeadKv.every((n) => n === 0) && /mamba|rwkv|ssm|jamba|linear/i.test(arch)) {
    unmodelled.push(`${arch}: recurrent state not modelled`);
  }

  const down = h.tensors.find((t) => /^blk\.\d+\.ffn_down(_exps)?\.weight$/.test(t.name));
  const ffnDownType = (down ? ggmlType(down.type)?.name : null)?.toLowerCase() ?? 'f16';

  return {
    arch,
    name: metaString(h, 'general.name'),
    nLayer,
    ctxTrain: metaNumber(h, k('context_length')) ?? 4096,
    nEmbd,
    nVocab,
    nMerges: (() => {
      const m = h.metadata.get('tokenizer.ggml.merges');
      return m?.type === 'array' ? m.length : 0;
    })(),
    nFf,
    nExpert,
    nExpertUsed,
    ffnDownType,
    nHead,
    nHeadKv,
    nEmbdKGqa,
    nEmbdVGqa,
    swaWindow,
    isSwa,
    isRecurrent,
    recurrentR,
    recurrentS,
    unmodelled,
  };
}

/** A tensor's layer: `blk.N.…` → N; token embeddings and other inputs → 'input'; output/output_norm → 'output'. */
export function tensorLayer(name: string): number | 'input' | 'output' {
  const m = /^blk\.(\d+)\./.exec(name);
  if (m) return Number(m[1]);
  if (/^(output|output_norm|result_norm|lm_head|cls)\b/.test(name)) return 'output';
  return 'input';
}
