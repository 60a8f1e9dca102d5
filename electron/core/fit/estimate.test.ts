// The estimator's arithmetic against figures computed by hand, on headers
// written here (sparse files: no weights on disk).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FitEstimate, FitPrediction } from '../../common/fit.js';
import { kv, writeGguf, type Kv, type TensorSpec } from '../../../test-support/gguf-writer.js';
import type { FitEnvironment } from './estimate.js';
import { predictFit } from './predict.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-fit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const BIG: FitEnvironment = { memAvailable: 64 * GiB, memTotal: 64 * GiB };

/** A llama-shaped model: 512 wide, 4 layers, 8 heads of 64, 2 KV heads, FFN 1024, 1000 tokens, all F16. */
function model(name: string, extra: Kv[] = [], arch = 'llama', layers = 4): string {
  const kvs: Kv[] = [
    ['general.architecture', kv.str(arch)],
    [`${arch}.block_count`, kv.u32(layers)],
    [`${arch}.context_length`, kv.u32(8192)],
    [`${arch}.embedding_length`, kv.u32(512)],
    [`${arch}.feed_forward_length`, kv.u32(1024)],
    [`${arch}.attention.head_count`, kv.u32(8)],
    [`${arch}.attention.head_count_kv`, kv.u32(2)],
    [`${arch}.vocab_size`, kv.u32(1000)],
    ...extra,
  ];
  const t: TensorSpec[] = [
    { name: 'token_embd.weight', dims: [512, 1000], type: 1 },
    { name: 'output_norm.weight', dims: [512], type: 0 },
    { name: 'output.weight', dims: [512, 1000], type: 1 },
  ];
  for (let i = 0; i < layers; i++) {
    t.push(
      { name: `blk.${i}.attn_norm.weight`, dims: [512], type: 0 },
      { name: `blk.${i}.attn_q.weight`, dims: [512, 512], type: 1 },
      { name: `blk.${i}.attn_k.weight`, dims: [512, 128], type: 1 },
      { name: `blk.${i}.attn_v.weight`, dims: [512, 128], type: 1 },
      { name: `blk.${i}.attn_output.weight`, dims: [512, 512], type: 1 },
      { name: `blk.${i}.ffn_norm.weight`, dims: [512], type: 0 },
      { name: `blk.${i}.ffn_gate.weight`, dims: [512, 1024], type: 1 },
      { name: `blk.${i}.ffn_up.weight`, dims: [512, 1024], type: 1 },
      { name: `blk.${i}.ffn_down.weight`, dims: [1024, 512], type: 1 },
    );
  }
  const f = path.join(dir, `${name}.gguf`);
  writeGguf(f, kvs, t, { data: 'sparse' });
  return f;
}

const LLAMA = model('llama');
// By hand: embeddings and output 2 × 512 × 1000 × 2 B, output norm 512 × 4 B, per layer 2 norms (4096 B),
// q and o (2 × 524288), k and v (2 × 131072), gate/up/down (3 × 1048576).
const WEIGHTS = 2 * 1_024_000 + 2048 + 4 * (4096 + 1_048_576 + 262_144 + 3_145_728);
const KV_ROW_F16 = 128 * 2; // 2 KV heads × 64, f16
// The process: 4 MiB, the tokenizer at 217 B per token (1000 here, no merges), and 14 MiB of binary and libraries.
const PROCESS = 4 * MiB + 217 * 1000 + 14 * MiB;

async function fit(flags: string[], machine: FitEnvironment = BIG, file = LLAMA): Promise<FitEstimate> {
  const p: FitPrediction = await predictFit({ argv: ['llama-server', '-m', file, ...flags], machine });
  if (p.verdict === 'unknown') throw new Error(p.why);
  return p;
}
const part = (p: FitEstimate, kind: string, device = 'CPU'): number => p.parts.filter((x) => x.kind === kind && x.device === device).reduce((a, x) => a + x.bytes, 0);

describe('estimate', () => {
  it('adds weights, KV cache, compute, outputs and the process, as computed by hand', async () => {
    const p = await fit(['-c', '8192']);
    expect(WEIGHTS).toBe(19_892_224);
    expect(part(p, 'weights')).toBe(WEIGHTS);
    // 8192 cells × 4 layers × (K + V rows).
    expect(part(p, 'kv')).toBe(8192 * 4 * 2 * KV_ROW_F16);
    // Flash attention: ubatch × 4 B × (3·n_ff + 4·n_embd) + the f16 mask, 8192 × 512 × 2 B.
    expect(part(p, 'compute')).toBe(512 * 4 * (3 * 1024 + 4 * 512) + 8192 * 512 * 2);
    // One f32 logit row per slot (4 slots by default).
    expect(part(p, 'output')).toBe(1000 * 4 * 4);
    // The CPU backend's scratch: ffn_down's input converted to f16, 512 × 1024 × 2 B.
    expect(part(p, 'work')).toBe(512 * 1024 * 2);
    expect(p.total).toBe(WEIGHTS + 16_777_216 + 18_874_368 + 512 * 1024 * 2 + 16_000 + PROCESS);
    expect(p.file).toBe(WEIGHTS + 14 * MiB);
    expect(p.anon).toBe(p.total - p.file);
    expect(p.settings).toMatchObject({ ctx: 8192, ctxSource: 'flag', parallel: 4, kvUnified: true, mmap: true, flashAttn: true });
    expect(p.verdict).toBe('fits');
    expect(p.basis).toBe('formula');
    expect(p.formula.total).toBe(p.total);
  });

  it('sizes the KV cache by cache type, padding and slots', async () => {
    // q8_0: a 128-element row is 4 blocks of 34 bytes.
    expect(part(await fit(['-c', '8192', '-ctk', 'q8_0', '-ctv', 'q8_0']), 'kv')).toBe(8192 * 4 * 2 * 136);
    expect(part(await fit(['-c', '8192', '-ctk', 'q4_0']), 'kv')).toBe(8192 * 4 * (4 * 18 + KV_ROW_F16));
    // -c 1000 pads to 1024; three separate streams each pad 1024/3 up to 512 cells.
    expect(part(await fit(['-c', '1000']), 'kv')).toBe(1024 * 4 * 2 * KV_ROW_F16);
    expect(part(await fit(['-c', '1000', '-np', '3']), 'kv')).toBe(3 * 512 * 4 * 2 * KV_ROW_F16);
    // No -c: the trained context (8192 here).
    const t = await fit([]);
    expect(t.settings).toMatchObject({ ctx: 8192, ctxSource: 'trained' });
    // Without flash attention every head's f32 scores and an f32 mask: 8 × 8192 × 512 × 4 + 8192 × 512 × 4, plus 4·n_embd per token and 3 MiB.
    expect(part(await fit(['-c', '8192', '-fa', 'off']), 'compute')).toBe(512 * 4 * 4 * 512 + 8192 * 512 * 4 * 9 + 3 * MiB);
  });

  it('sizes sliding-window layers to their window unless --swa-full', async () => {
    const gemma = model('gemma2', [['gemma2.attention.sliding_window', kv.u32(1024)]], 'gemma2');
    const p = await fit(['-c', '8192'], BIG, gemma);
    // Period 2: layers 0 and 2 slide; their cache holds window × 4 slots + ubatch = 4608 cells.
    expect(part(p, 'kv')).toBe((2 * 8192 + 2 * 4608) * 2 * KV_ROW_F16);
    expect(p.parts.find((x) => x.kind === 'kv')!.detail).toContain('2 sliding-window layers at 4608 cells');
    expect(part(await fit(['-c', '8192', '--swa-full'], BIG, gemma), 'kv')).toBe(4 * 8192 * 2 * KV_ROW_F16);
  });

  it('gives recurrent layers their state per sequence instead of a KV cache', async () => {
    const mamba = model('mamba', [
      ['mamba.attention.head_count_kv', kv.arr('i32', [0, 2, 0, 2])],
      ['mamba.ssm.conv_kernel', kv.u32(4)],
      ['mamba.ssm.inner_size', kv.u32(1024)],
      ['mamba.ssm.state_size', kv.u32(16)],
    ], 'mamba');
    const p = await fit(['-c', '4096'], BIG, mamba);
    // Conv state (4 − 1) × 1024 + SSM state 16 × 1024, f32, per slot (4), for the two recurrent layers.
    expect(part(p, 'recurrent')).toBe(2 * 4 * ((3 * 1024 + 16 * 1024) * 4));
    expect(part(p, 'kv')).toBe(2 * 4096 * 2 * KV_ROW_F16);
  });

  it('places the last -ngl layers on the GPU (the output layer counts as one), with their KV cache', async () => {
    const gpu: FitEnvironment = { ...BIG, gpus: [{ name: 'test', vramTotal: 8 * GiB, vramUsed: GiB }] };
    const p = await fit(['-c', '8192', '-ngl', '3'], gpu);
    const layer = 4096 + 1_048_576 + 262_144 + 3_145_728;
    expect(part(p, 'weights', 'GPU0')).toBe(2 * layer + 1_024_000 + 2048);
    expect(part(p, 'weights', 'CPU')).toBe(2 * layer + 1_024_000);
    expect(part(p, 'kv', 'GPU0')).toBe(part(p, 'kv', 'CPU'));
    expect(p.devices.map((d) => [d.device, d.layers])).toEqual([['CPU', 'input, layers 0–1'], ['GPU0', 'layers 2–3, output']]);
    expect(p.budgets.map((b) => [b.source, b.device, b.verdict])).toEqual([['MemAvailable', 'CPU', 'fits'], ['VRAM', 'GPU0', 'fits']]);
    // A tensor override keeps matching tensors on the CPU.
    const o = await fit(['-c', '8192', '-ngl', '99', '-ot', 'ffn_(up|gate|down)=CPU'], gpu);
    expect(part(o, 'weights', 'CPU')).toBe(1_024_000 + 4 * 3 * 1_048_576);
    // -ngl with no GPU: everything on the CPU, and the prediction says so.
    const none = await fit(['-c', '8192', '-ngl', '99']);
    expect(part(none, 'weights', 'CPU')).toBe(WEIGHTS);
    expect(none.notes[0]).toContain('no GPU was found');
  });

  it("judges each GPU against the free memory its source reports (other processes' use and the driver's reserve out), plus the backend's own use on a restart", async () => {
    const base = await fit(['-c', '8192', '-ngl', '99'], { ...BIG, gpus: [{ name: 'g', vramTotal: 8 * GiB, vramUsed: 0 }] });
    const need = base.budgets.find((b) => b.source === 'VRAM')!.needed;
    // total − used would say it fits; the source's free figure (another process holds most of the card) says it does not.
    const crowded = await fit(['-c', '8192', '-ngl', '99'], { ...BIG, gpus: [{ name: 'g', vramTotal: 8 * GiB, vramUsed: GiB, vramFree: need / 2 }] });
    expect(crowded.budgets.find((b) => b.source === 'VRAM')).toMatchObject({ verdict: 'wont-fit', available: need / 2 });
    // On a restart, what this backend's own instance holds on the card is freed first.
    const restart = await fit(['-c', '8192', '-ngl', '99'], { ...BIG, gpus: [{ name: 'g', vramTotal: 8 * GiB, vramUsed: 8 * GiB - need / 2, vramFree: need / 2, ownVram: need * 2 }] });
    expect(restart.budgets.find((b) => b.source === 'VRAM')).toMatchObject({ verdict: 'fits', available: need / 2 + need * 2 });
    expect(restart.budgets.find((b) => b.source === 'VRAM')!.why).toContain('with the running instance freed');
  });

  it('on an APU, GTT is host memory: what the CPU parts leave of MemAvailable bounds it, however large the GTT pool', async () => {
    const apu = (memAvailable: number): FitEnvironment => ({ memAvailable, memTotal: 128 * GiB, gpus: [{ name: 'apu', vramTotal: 512 * MiB, vramUsed: 500 * MiB, gttTotal: 96 * GiB, gttUsed: 0 }] });
    const roomy = await fit(['-c', '8192', '-ngl', '99'], apu(100 * GiB));
    expect(roomy.budgets.find((b) => b.device === 'GPU0')).toMatchObject({ source: 'GTT', verdict: 'fits' });
    const need = roomy.budgets.find((b) => b.device === 'GPU0')!.needed;
    const cpu = roomy.budgets.find((b) => b.source === 'MemAvailable')!.needed;
    const tight = await fit(['-c', '8192', '-ngl', '99'], apu(cpu + need / 2));
    // With a 96 GiB GTT pool it would fit; half of what the GPU parts need is left of host memory, so neither pool takes them.
    expect(tight.budgets.find((b) => b.device === 'GPU0')).toMatchObject({ verdict: 'wont-fit' });
    expect(tight.verdict).toBe('wont-fit');
  });

  it('judges anonymous memory against the limit first: mmap makes an over-limit model tight, --no-mmap makes it an OOM', async () => {
    const p = await fit(['-c', '8192']);
    const anon = p.anon;
    const between = { ...BIG, memoryLimit: anon + 1 * MiB };
    const mapped = await fit(['-c', '8192'], between);
    expect(mapped.verdict).toBe('tight');
    expect(mapped.budgets.find((b) => b.source === 'memoryLimit')!.why).toContain("mmap'ed weights would be re-read from disk");
    // --no-mmap: the weights are heap; the compute buffers a long prompt writes come on top and take it over.
    const heap = await fit(['-c', '8192', '--no-mmap'], between);
    expect(heap.verdict).toBe('killed-on-prompt');
    expect(heap.anon).toBe(anon + WEIGHTS);
    expect(heap.why).toMatch(/^needs .*; killed on a long prompt: loads \(.* anonymous\), but a prompt of ~\d+ tokens takes it to .* > memoryLimit/);
    const noRoom = await fit(['-c', '8192', '--no-mmap'], { ...BIG, memoryLimit: heap.atLoad.anon - MiB });
    expect(noRoom.verdict).toBe('wont-fit');
    expect(noRoom.why).toMatch(/^needs .*; won't load: anonymous part at load .* > memoryLimit/);
    // --mlock pins the weights: judged like anonymous memory (it loads, if at all, only to be killed on a long prompt).
    const locked = await fit(['-c', '8192', '--mlock'], between);
    expect(['killed-on-prompt', 'wont-fit']).toContain(locked.verdict);
    expect(locked.budgets.find((b) => b.source === 'memoryLimit')!.neededAnon).toBe(heap.anon);
    // Over 90 % of what is there is tight; what the running instance holds counts as available on a restart.
    expect((await fit(['-c', '8192'], { memAvailable: p.total / 0.95, memTotal: 64 * GiB })).verdict).toBe('tight');
    expect((await fit(['-c', '8192'], { memAvailable: p.total / 2, memTotal: 64 * GiB, ownInstanceBytes: p.total })).verdict).toBe('fits');
    expect((await fit(['-c', '8192'], { memAvailable: 1 * MiB, memTotal: 64 * GiB })).verdict).toBe('wont-fit');
  });

  it('three outcomes: fits; loads but a prompt of ~N tokens is killed (the compute buffers are written only when a batch runs); does not load', async () => {
    // No flash attention at -c 16384: the f32 scores of 8 heads over every cell, 16384 × 512 × 4 B × (8 + 1) = 288 MiB, untouched at load.
    const flags = ['-c', '16384', '-fa', 'off', '--no-mmap'];
    const free = await fit(flags);
    const compute = part(free, 'compute');
    expect(compute).toBe(512 * 4 * 4 * 512 + 16384 * 512 * 4 * 9 + 3 * MiB);
    // The CPU backend's scratch: those scores converted to f16 for the product with the f16 V cache, 16384 × 512 × 8 × 2 B.
    const work = part(free, 'work');
    expect(work).toBe(16384 * 512 * 8 * 2);
    // What a prompt of N tokens has written: ubatch min(N, 512) over N cells (padded to 256), graph and scratch.
    const graph = (tokens: number): number => {
      const ub = Math.min(tokens, 512);
      const cells = Math.max(256, Math.ceil(tokens / 256) * 256);
      return ub * 4 * 4 * 512 + cells * ub * 4 * 9 + 3 * MiB + Math.max(cells * ub * 8 * 2, ub * 1024 * 2);
    };
    expect(graph(16384)).toBe(compute + work);
    // At load: the warm-up's two tokens (BOS, EOS) over 256 cells.
    const warm = graph(2);
    expect(free.atLoad.anon).toBe(free.anon - compute - work + warm);
    expect(free.verdict).toBe('fits');
    expect(free.killedAt).toBeNull();

    // A limit between the two: it loads, and the kill comes once a prompt's scores outgrow the rest.
    const limit = free.atLoad.anon + 100 * MiB;
    const p = await fit(flags, { ...BIG, memoryLimit: limit });
    expect(p.verdict).toBe('killed-on-prompt');
    const b = p.budgets.find((x) => x.source === 'memoryLimit')!;
    expect(b.atLoad).toBe(free.atLoad.anon);
    expect(b.neededAnon).toBe(free.anon);
    // Room for 100 MiB beyond the warm-up's: n_kv × 512 × (4 × 9 + 2 × 8) B (+ the fixed part) crosses it between 3840 and 4096 cells.
    const n = p.killedAt!.tokens;
    expect(free.atLoad.anon - warm + graph(n)).toBeGreaterThan(limit);
    expect(free.atLoad.anon - warm + graph(n - 1)).toBeLessThanOrEqual(limit);
    expect(p.killedAt).toEqual({ tokens: n, fullBatch: false, ubatch: 512 });
    expect(n).toBeGreaterThan(3584);
    expect(n).toBeLessThanOrEqual(4096);
    expect(b.why).toMatch(new RegExp(`^loads \\([\\d.]+ MiB anonymous\\), but a prompt of ~${n} tokens takes it to [\\d.]+ MiB > memoryLimit [\\d.]+ MiB; a full context needs [\\d.]+ MiB$`));
    expect(p.why).toMatch(/; killed on a long prompt: loads /);

    // With -ub 2048 the first full batch is what kills: its feed-forward activations alone outgrow a small margin.
    const big = await fit(['-c', '4096', '-ub', '2048', '-b', '2048', '--no-mmap']);
    const batch = await fit(['-c', '4096', '-ub', '2048', '-b', '2048', '--no-mmap'], { ...BIG, memoryLimit: big.atLoad.anon + 4 * MiB });
    expect(batch.verdict).toBe('killed-on-prompt');
    expect(batch.killedAt!.fullBatch).toBe(true);
    expect(batch.killedAt!.tokens).toBeLessThanOrEqual(2048);

    // Under what it holds at load: it does not load.
    expect((await fit(flags, { ...BIG, memoryLimit: free.atLoad.anon - MiB })).verdict).toBe('wont-fit');
  });

  it("shrinks an unset context as llama.cpp's --fit would, to total memory less 1 GiB", async () => {
    const long = model('long', [['llama.context_length', kv.u32(1_048_576)]]);
    const p = await fit([], { memAvailable: 2 * GiB, memTotal: 2 * GiB }, long);
    expect(p.settings.ctxSource).toBe('fitted');
    expect(p.settings.ctx % 256).toBe(0);
    expect(p.settings.ctx).toBeGreaterThan(4096);
    expect(p.total).toBeLessThanOrEqual(GiB);
    expect(p.total).toBeGreaterThan(0.9 * GiB);
    expect(p.notes.some((n) => n.includes('--fit would shrink the context'))).toBe(true);
    // An explicit -c is not shrunk.
    expect((await fit(['-c', '1048576'], { memAvailable: 2 * GiB, memTotal: 2 * GiB }, long)).verdict).toBe('wont-fit');
  });

  it('predicts nothing for another program or an unreadable model, and says why', async () => {
    expect(await predictFit({ argv: ['/usr/bin/ollama', 'serve'], machine: BIG })).toEqual({ verdict: 'unknown', why: 'the command is ollama, not llama-server: no memory prediction for it' });
    expect(await predictFit({ argv: ['llama-server', '-m', path.join(dir, 'nope.gguf')], machine: BIG })).toEqual({ verdict: 'unknown', why: `cannot read the model: ${path.join(dir, 'nope.gguf')}: no such file` });
    const noArch = path.join(dir, 'noarch.gguf');
    writeGguf(noArch, [['general.name', kv.str('x')]], [], { data: 'sparse' });
    expect(await predictFit({ argv: ['llama-server', '-m', noArch], machine: BIG })).toEqual({ verdict: 'unknown', why: `cannot read the model: ${noArch}: no general.architecture in the header` });
  });
});
