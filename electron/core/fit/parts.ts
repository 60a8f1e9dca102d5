// The arithmetic of a llama-server's memory, per device and part: weights
// from the tensor infos, KV cache per layer, recurrent state, compute and
// output buffers, and the process itself. Linear in the context size, so the
// same function answers "what with -c 8192?" for the advice.
//
// Compute buffers are calibrated on this repository's llama-server build
// (BENCHMARKS.md, bench/fit.bench.ts): with flash attention (llama.cpp's
// default on CPU) the graph's peak is ubatch × 4 B × (3·n_ff + 4·n_embd)
// plus the f16 KQ mask (n_kv × ubatch × 2 B); without it the f32 scores of
// every head (n_head × n_kv × ubatch × 4 B) and an f32 mask dominate.
import type { FitDevice, FitPart, FitSettings } from '../../common/fit.js';
import { formatBytes } from '../../common/format.js';
import type { GgufTensorInfo } from './gguf-header.js';
import { ggmlType, ggmlTypeByName, rowBytes } from './ggml-types.js';
import { tensorLayer, type ModelShape } from './model-shape.js';

const MiB = 1024 * 1024;
/**
 * The process without its buffers, at ready, CPU build, measured: the heap
 * and threads, plus the tokenizer, which llama.cpp keeps as a string, a map
 * entry and attributes per token and a map entry per BPE merge (fitted over
 * five of llama.cpp's vocabularies, 32000 to 256000 tokens, within 1.2 MiB);
 * and the binary and libraries (file-backed).
 */
export const PROCESS_ANON = 4 * MiB;
export const PROCESS_ANON_PER_TOKEN = 217;
export const PROCESS_ANON_PER_MERGE = 140;
export const PROCESS_FILE = 14 * MiB;

const pad = (x: number, n: number): number => Math.ceil(x / n) * n;

export interface KvLayout {
  /** Cells of the full-attention layers' cache (all streams). */
  cells: number;
  /** Cells of a sliding-window layer's cache (all streams). */
  swaCells: number;
  /** Context actually used (padded as llama.cpp pads it). */
  ctx: number;
}

/** llama_context / llama_kv_cache(_iswa): n_ctx padded to 256, split per stream when not unified. */
export function kvLayout(shape: ModelShape, s: Pick<FitSettings, 'ctx' | 'parallel' | 'kvUnified' | 'ubatch' | 'swaFull'>): KvLayout {
  let ctx = pad(Math.max(s.ctx, 1), 256);
  const streams = s.kvUnified ? 1 : Math.max(1, s.parallel);
  const ctxSeq = s.kvUnified ? ctx : pad(Math.floor(ctx / streams), 256);
  ctx = ctxSeq * streams;
  const ub = Math.min(s.ubatch, ctx);
  const swaSeq = shape.swaWindow > 0 && !s.swaFull ? pad(Math.min(ctxSeq, shape.swaWindow * (s.kvUnified ? s.parallel : 1) + ub), 256) : ctxSeq;
  return { cells: ctxSeq * streams, swaCells: swaSeq * streams, ctx };
}

export interface Placement {
  /** Layers from this index up (and the output layer when gpuLayers ≥ 1) go to GPU0. */
  gpuFrom: number;
  gpuLayers: number;
  overrides: { re: RegExp; device: FitDevice }[];
  kvOffload: boolean;
}

export function deviceOf(t: GgufTensorInfo, shape: ModelShape, p: Placement): FitDevice {
  for (const o of p.overrides) if (o.re.test(t.name)) return o.device;
  return layerDevice(tensorLayer(t.name), shape, p);
}

function layerDevice(layer: number | 'input' | 'output', shape: ModelShape, p: Placement): FitDevice {
  if (p.gpuLayers <= 0 || layer === 'input') return 'CPU';
  if (layer === 'output') return 'GPU0';
  return layer >= p.gpuFrom ? 'GPU0' : 'CPU';
}

const range = (a: number, b: number): string => (a === b ? `layer ${a}` : `layers ${a}–${b}`);

/** Which layers a device holds, for the breakdown. */
export function layersOn(device: FitDevice, shape: ModelShape, p: Placement): string {
  const n = shape.nLayer;
  if (device === 'CPU') {
    const cpuTo = p.gpuLayers <= 0 ? n - 1 : p.gpuFrom - 1;
    return ['input', cpuTo >= 0 ? range(0, cpuTo) : null, p.gpuLayers <= 0 ? 'output' : null].filter(Boolean).join(', ');
  }
  return [p.gpuFrom <= n - 1 ? range(p.gpuFrom, n - 1) : null, 'output'].filter(Boolean).join(', ');
}

export interface PartsInput {
  shape: ModelShape;
  tensors: readonly GgufTensorInfo[];
  settings: FitSettings;
  placement: Placement;
}

/** Every part, in bytes, for one set of settings. */
export function computeParts({ shape, tensors, settings: s, placement: p }: PartsInput): FitPart[] {
  const parts: FitPart[] = [];
  const add = (part: FitPart): void => {
    if (part.bytes <= 0) return;
    const same = parts.find((x) => x.kind === part.kind && x.device === part.device && x.backing === part.backing);
    if (same) same.bytes += part.bytes;
    else parts.push(part);
  };

  // Weights: mmap'ed (file-backed) on the CPU unless --no-mmap/--mlock/direct I/O.
  const byDevice = new Map<FitDevice, { bytes: number; types: Map<string, number> }>();
  for (const t of tensors) {
    const d = deviceOf(t, shape, p);
    const e = byDevice.get(d) ?? { bytes: 0, types: new Map<string, number>() };
    e.bytes += t.bytes;
    const tn = ggmlType(t.type)?.name ?? String(t.type);
    e.types.set(tn, (e.types.get(tn) ?? 0) + t.bytes);
    byDevice.set(d, e);
  }
  for (const [device, e] of byDevice) {
    const main = [...e.types.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '?';
    const backing = device === 'CPU' && s.mmap && !s.mlock ? 'file' : 'anon';
    add({ kind: 'weights', device, bytes: e.bytes, backing, detail: `${layersOn(device, shape, p)} (mostly ${main})${backing === 'file' ? ', mmap' : ''}` });
  }

  // KV cache per layer, on the layer's device (or the CPU with --no-kv-offload).
  const kv = kvLayout(shape, s);
  const tk = ggmlTypeByName(s.cacheTypeK)!;
  const tv = ggmlTypeByName(s.cacheTypeV)!;
  const kvBy = new Map<FitDevice, { bytes: number; layers: number; swa: number }>();
  const rsBy = new Map<FitDevice, { bytes: number; layers: number }>();
  for (let il = 0; il < shape.nLayer; il++) {
    const d = p.kvOffload ? layerDevice(il, shape, p) : 'CPU';
    if (shape.isRecurrent[il]) {
      const e = rsBy.get(d) ?? { bytes: 0, layers: 0 };
      e.bytes += Math.max(1, s.parallel) * (shape.recurrentR + shape.recurrentS) * 4;
      e.layers++;
      rsBy.set(d, e);
      continue;
    }
    const k = shape.nEmbdKGqa[il] ?? 0;
    const v = shape.nEmbdVGqa[il] ?? 0;
    if (k + v === 0) continue;
    const swa = shape.isSwa[il] === true;
    const cells = swa ? kv.swaCells : kv.cells;
    const e = kvBy.get(d) ?? { bytes: 0, layers: 0, swa: 0 };
    e.bytes += cells * (rowBytes(tk, k) + rowBytes(tv, v));
    e.layers++;
    if (swa) e.swa++;
    kvBy.set(d, e);
  }
  const types = s.cacheTypeK === s.cacheTypeV ? s.cacheTypeK : `K ${s.cacheTypeK}, V ${s.cacheTypeV}`;
  for (const [device, e] of kvBy) {
    const swaText = e.swa ? `; ${e.swa} sliding-window layers at ${kv.swaCells} cells` : '';
    add({ kind: 'kv', device, bytes: e.bytes, backing: 'anon', detail: `${kv.cells} cells × ${e.layers} layers, ${types}${swaText}` });
  }
  for (const [device, e] of rsBy) add({ kind: 'recurrent', device, bytes: e.bytes, backing: 'anon', detail: `${e.layers} recurrent layers × ${s.parallel} sequences` });

  // Compute buffers on the main device; with offload the host keeps a smaller one.
  const ub = Math.min(s.ubatch, kv.ctx);
  const compute = graphBytes(shape, s.flashAttn, ub, kv.cells);
  const mainDev: FitDevice = p.gpuLayers > 0 ? 'GPU0' : 'CPU';
  add({ kind: 'compute', device: mainDev, bytes: compute, backing: 'anon', detail: `ubatch ${ub}, ${s.flashAttn ? 'flash attention' : 'no flash attention'}` });
  if (mainDev === 'CPU') {
    const work = workBytes(shape, s, ub, kv.cells);
    add({ kind: 'work', device: 'CPU', bytes: work, backing: 'anon', detail: s.flashAttn ? 'CPU backend scratch: the feed-forward input converted for the dot products' : 'CPU backend scratch: the attention scores converted for the product with V' });
  }
  if (mainDev !== 'CPU') add({ kind: 'compute', device: 'CPU', bytes: ub * 4 * shape.nEmbd * 2, backing: 'anon', detail: `host side, ubatch ${ub}` });

  // Logits for one output per slot (llama-server limits outputs to its slots).
  add({ kind: 'output', device: 'CPU', bytes: shape.nVocab * Math.max(1, s.parallel) * 4, backing: 'anon', detail: `logits, ${s.parallel} slots` });

  const tokenizer = PROCESS_ANON_PER_TOKEN * shape.nVocab + PROCESS_ANON_PER_MERGE * shape.nMerges;
  add({ kind: 'overhead', device: 'CPU', bytes: PROCESS_ANON + tokenizer, backing: 'anon', detail: `llama-server process (heap, threads; tokenizer ${formatBytes(tokenizer)}: ${shape.nVocab} tokens${shape.nMerges ? `, ${shape.nMerges} merges` : ''})` });
  add({ kind: 'overhead', device: 'CPU', bytes: PROCESS_FILE, backing: 'file', detail: 'llama-server binary and libraries' });
  return parts;
}

/**
 * The compute graph's peak for a batch of `ub` tokens over `cells` KV cells.
 * At load llama.cpp reserves it for a full ubatch over the whole cache, but
 * a CPU buffer is only resident where a batch has written: a prompt of N
 * tokens touches graphBytes(min(N, ubatch), cells used, padded to 256).
 */
export function graphBytes(shape: ModelShape, flashAttn: boolean, ub: number, cells: number): number {
  const nHead = Math.max(...shape.nHead, 1);
  // A mixture of experts counts as its used experts side by side (nFf = used × expert width): measured, the router adds nothing visible.
  return flashAttn
    ? ub * 4 * (3 * shape.nFf + 4 * shape.nEmbd) + cells * ub * 2
    : ub * 4 * 4 * shape.nEmbd + cells * ub * 4 * (nHead + 1) + 3 * MiB;
}

/** Bytes per element of the type a matrix product converts its input to (ggml's vec_dot_type): none for F32. */
function actBytes(weightType: string): number {
  if (weightType === 'f32') return 0;
  if (weightType === 'f16' || weightType === 'bf16') return 2;
  return 34 / 32; // quantized weights: their input becomes Q8_0/Q8_1/Q8_K blocks
}

/**
 * The CPU backend's work buffer: the largest matrix-product input of the
 * graph converted to the weights' dot-product type, allocated on the heap by
 * ggml-cpu and kept at its largest. Without flash attention that is the f32
 * scores of every head (n_kv × ubatch × n_head) converted for the product with
 * V; otherwise the feed-forward's input to ffn_down.
 */
export function workBytes(shape: ModelShape, s: Pick<FitSettings, 'flashAttn' | 'cacheTypeV'>, ub: number, cells: number): number {
  const nHead = Math.max(...shape.nHead, 1);
  const attn = s.flashAttn ? 0 : actBytes(s.cacheTypeV) * cells * ub * nHead;
  const ffn = actBytes(shape.ffnDownType) * shape.nFf * ub;
  return Math.ceil(Math.max(attn, ffn));
}

/** KV cells a prompt of `tokens` uses in the graph (llama.cpp pads n_kv to 256), at most the cache. */
export const cellsFor = (tokens: number, kv: KvLayout): number => Math.min(kv.cells, Math.max(256, pad(tokens, 256)));

export const sumParts = (parts: readonly FitPart[], f: (p: FitPart) => boolean = () => true): number => parts.filter(f).reduce((a, p) => a + p.bytes, 0);
