// From a model header and llama-server's flags to a verdict: resolve the
// settings as llama-server would (defaults, auto slots, --fit shrinking an
// unset context to host memory), add up the parts (parts.ts), correct them by
// an earlier measured run when there is one, and compare with what is there:
// MemAvailable (+ what the backend's own running instance holds), the
// backend's memoryLimit, VRAM/GTT.
//
// The verdict charges a memory cgroup with everything (page cache included)
// but judges against anonymous memory first: mmap'ed weights that do not fit
// are re-read from disk (slow: 'tight'), anonymous memory that does not fit is
// an OOM kill ('wont-fit').
import type { FitBudget, FitDevice, FitEstimate, FitFormula, FitKilledAt, FitMeasuredBasis, FitPart, FitSettings } from '../../common/fit.js';
import { formatBytes } from '../../common/format.js';
import type { GgufHeader } from './gguf-header.js';
import type { ModelShape } from './model-shape.js';
import { cellsFor, computeParts, graphBytes, kvLayout, layersOn, type Placement, sumParts, workBytes } from './parts.js';
import type { ServerSettings } from './server-args.js';

export interface FitEnvironment {
  /** /proc/meminfo, bytes; null when unknown. */
  memAvailable: number | null;
  memTotal: number | null;
  /** What the backend's running instance holds now (a restart frees it first), bytes. */
  ownInstanceBytes?: number;
  /** The backend's memoryLimit, bytes. */
  memoryLimit?: number | null;
  /**
   * Per GPU, from the GPU sources: `vramFree` as the driver counts it (other
   * processes' use taken out; absent: total − used), and what the backend's
   * own running instance holds there (`ownVram`, `ownGtt`), which a restart frees.
   */
  gpus?: { name?: string; vramTotal: number; vramUsed: number; vramFree?: number; unified?: boolean; gttTotal?: number | null; gttUsed?: number | null; ownVram?: number; ownGtt?: number }[];
}

/** An earlier run's figures, reduced to what corrects the formula (measurements.ts makes it). */
export interface Correction {
  /** Measured KV bytes / formula KV bytes (1 without llama-server's own log figures). */
  kvFactor: number;
  /** Measured anonymous memory beyond weights, KV, state and outputs (process, touched compute), at the measured settings. */
  restAnon: number;
  /** Measured file-backed memory beyond the weights (binary, libraries). */
  restFile: number;
  /** Measured anonymous / file split of the CPU weights (repacking moves mmap'ed weights to the heap). */
  weightsAnonShare: number | null;
  /** Compute bytes of the formula at the measured settings: a new context or ubatch adds the difference. */
  computeAtMeasured: number;
  basis: FitMeasuredBasis;
}

/** Over this share of what there is, a prediction is 'tight'; the advice keeps the rest free as its margin. */
export const TIGHT_SHARE = 0.9;

export function resolvePlacement(shape: ModelShape, s: ServerSettings, env: FitEnvironment, notes: string[]): Placement {
  const gpus = env.gpus ?? [];
  let n = s.gpuLayers === 'auto' || s.gpuLayers === 'all' ? (gpus.length ? shape.nLayer + 1 : 0) : Math.min(s.gpuLayers, shape.nLayer + 1);
  if (n > 0 && gpus.length === 0) {
    notes.push(`-ngl ${String(s.gpuLayers)} given but no GPU was found: everything is counted on the CPU`);
    n = 0;
  }
  if (n > 0 && gpus.length > 1) notes.push(`${gpus.length} GPUs: all offloaded layers are counted on the first (the split across GPUs is not modelled)`);
  if (s.gpuLayers === 'auto' && n > 0) notes.push("-ngl auto: counted as all layers on the GPU (llama.cpp's --fit may keep some on the CPU)");
  const overrides = s.overrides.flatMap((o) => {
    try {
      const device: FitDevice = /^cpu/i.test(o.buffer) || gpus.length === 0 ? 'CPU' : 'GPU0';
      return [{ re: new RegExp(o.pattern), device }];
    } catch {
      notes.push(`-ot pattern '${o.pattern}' is not a valid regular expression: ignored`);
      return [];
    }
  });
  return { gpuFrom: shape.nLayer + 1 - n, gpuLayers: n, overrides, kvOffload: s.kvOffload };
}

export function resolveSettings(shape: ModelShape, s: ServerSettings): FitSettings {
  const parallel = s.parallel ?? 4;
  const kvUnified = s.kvUnified ?? s.parallel === null;
  const streams = kvUnified ? 1 : parallel;
  // An unset context (or -c 0) is the trained one; with --fit on and several streams, llama.cpp gives each stream that much.
  const ctx = s.ctx === null || s.ctx === 0 ? shape.ctxTrain * (s.fit ? streams : 1) : s.ctx;
  const mmap = s.loadMode === 'auto' || s.loadMode === 'mmap' || s.loadMode === 'mmap+mlock';
  return {
    ctx,
    ctxSource: s.ctx === null || s.ctx === 0 ? 'trained' : 'flag',
    parallel,
    kvUnified,
    cacheTypeK: s.cacheTypeK,
    cacheTypeV: s.cacheTypeV,
    ubatch: Math.min(s.ubatch, s.batch),
    flashAttn: s.flashAttn !== 'off',
    mmap,
    mlock: s.loadMode === 'mlock' || s.loadMode === 'mmap+mlock',
    swaFull: s.swaFull,
    gpuLayers: 0,
  };
}

/** The parts for settings, corrected by an earlier run when given. */
export function partsFor(shape: ModelShape, header: GgufHeader, settings: FitSettings, placement: Placement, corr: Correction | null): FitPart[] {
  const parts = computeParts({ shape, tensors: header.tensors, settings, placement });
  if (!corr) return parts;
  const out: FitPart[] = [];
  const computeNow = sumParts(parts, (p) => p.kind === 'compute' || p.kind === 'work');
  for (const p of parts) {
    if (p.kind === 'overhead') continue;
    if (p.kind === 'kv') out.push({ ...p, bytes: Math.round(p.bytes * corr.kvFactor) });
    else if (p.kind === 'weights' && p.device === 'CPU' && corr.weightsAnonShare !== null && corr.weightsAnonShare > 0 && corr.weightsAnonShare < 1) {
      out.push({ ...p, backing: 'file', bytes: Math.round(p.bytes * (1 - corr.weightsAnonShare)) });
      out.push({ ...p, backing: 'anon', bytes: Math.round(p.bytes * corr.weightsAnonShare), detail: `${p.detail}, repacked` });
    } else if (p.kind === 'compute' || p.kind === 'work') continue;
    else out.push(p);
  }
  // Measured rest (process + what of the compute buffers was touched) plus what a new context/ubatch adds or removes.
  const delta = computeNow - corr.computeAtMeasured;
  out.push({ kind: 'compute', device: 'CPU', bytes: Math.max(0, corr.restAnon + delta), backing: 'anon', detail: `process and compute, ${corr.basis.note}` });
  out.push({ kind: 'overhead', device: 'CPU', bytes: corr.restFile, backing: 'file', detail: 'llama-server binary and libraries (measured)' });
  return out;
}

/** How the CPU's anonymous memory grows from load to a full context: what a prompt of N tokens adds. */
export interface PromptGrowth {
  /** Anonymous CPU bytes of the full-context peak that are not resident until a prompt of `tokens` runs. */
  untouched(tokens: number): number;
  ubatch: number;
  /** Tokens of the largest prompt (the context a slot holds). */
  maxTokens: number;
}

/** Tokens of a warm-up run (BOS + EOS): what llama-server computes before it says it is ready. */
const WARMUP_TOKENS = 2;

function budgets(parts: FitPart[], env: FitEnvironment, mlock: boolean, growth: PromptGrowth): FitBudget[] {
  const out: FitBudget[] = [];
  const cpu = parts.filter((p) => p.device === 'CPU');
  const total = sumParts(cpu);
  // Locked weights cannot be reclaimed: judge them like anonymous memory.
  const hard = sumParts(cpu, (p) => p.backing === 'anon' || (mlock && p.kind === 'weights'));
  const hardAt = (tokens: number): number => hard - growth.untouched(tokens);
  const atLoad = hardAt(WARMUP_TOKENS);
  const judge = (source: FitBudget['source'], device: FitDevice, available: number, needAll: number, needHard: number, loadHard: number, what: string, at?: (tokens: number) => number): FitBudget => {
    const b = (verdict: FitBudget['verdict'], why: string, killedAt: FitKilledAt | null = null): FitBudget => ({ source, device, available, needed: needAll, neededAnon: needHard, atLoad: loadHard, verdict, why, killedAt });
    if (loadHard > available) return b('wont-fit', `anonymous part at load ${formatBytes(loadHard)} > ${what} ${formatBytes(available)}`);
    if (needHard > available && at) {
      // The shortest prompt that goes over: the anonymous memory only grows with the prompt.
      let lo = WARMUP_TOKENS;
      let hi = growth.maxTokens;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (at(mid) > available) hi = mid;
        else lo = mid;
      }
      const killedAt = { tokens: hi, fullBatch: hi <= growth.ubatch, ubatch: growth.ubatch };
      return b('killed-on-prompt', `loads (${formatBytes(loadHard)} anonymous), but a prompt of ~${hi} tokens takes it to ${formatBytes(at(hi))} > ${what} ${formatBytes(available)}; a full context needs ${formatBytes(needHard)}`, killedAt);
    }
    if (needHard > available) return b('wont-fit', `anonymous part ${formatBytes(needHard)} > ${what} ${formatBytes(available)}`);
    if (needAll > available) return b('tight', `${formatBytes(needAll)} > ${what} ${formatBytes(available)}: mmap'ed weights would be re-read from disk`);
    if (needAll > available * TIGHT_SHARE) return b('tight', `${formatBytes(needAll)} is over ${Math.round(TIGHT_SHARE * 100)} % of ${what} ${formatBytes(available)}`);
    return b('fits', `${formatBytes(needAll)} of ${what} ${formatBytes(available)}`);
  };
  if (env.memAvailable !== null) {
    const avail = env.memAvailable + (env.ownInstanceBytes ?? 0);
    out.push(judge('MemAvailable', 'CPU', avail, total, hard, atLoad, env.ownInstanceBytes ? 'available (with the running instance freed)' : 'available', hardAt));
  }
  if (env.memoryLimit) out.push(judge('memoryLimit', 'CPU', env.memoryLimit, total, hard, atLoad, 'memoryLimit', hardAt));
  (env.gpus ?? []).forEach((g, i) => {
    const device = `GPU${i}` as FitDevice;
    const need = sumParts(parts, (p) => p.device === device);
    if (need === 0) return;
    const own = (n: number | undefined, what: string): string => (n ? `${what} (with the running instance freed)` : what);
    // GTT and unified memory are host RAM: what the CPU parts leave of MemAvailable bounds them too.
    const hostLeft = env.memAvailable !== null ? Math.max(0, env.memAvailable + (env.ownInstanceBytes ?? 0) - total) : Infinity;
    const vramFree = Math.min(Math.max(0, (g.vramFree ?? g.vramTotal - g.vramUsed) + (g.ownVram ?? 0)), g.unified ? hostLeft : Infinity);
    // GPU buffers are allocated whole at load: what does not fit there fails the load.
    const vram = judge('VRAM', device, vramFree, need, need, need, own(g.ownVram, `free VRAM${g.name ? ` on ${g.name}` : ''}`));
    if (g.gttTotal) {
      // APUs (e.g. Strix Halo) place GPU buffers in GTT, system memory the GPU maps: the better of the two pools decides.
      const gttFree = Math.max(0, g.gttTotal - (g.gttUsed ?? 0) + (g.ownGtt ?? 0));
      const gtt = judge('GTT', device, Math.min(gttFree, hostLeft), need, need, need, own(g.ownGtt, gttFree > hostLeft ? 'free GTT (bounded by the MemAvailable the CPU parts leave)' : 'free GTT'));
      out.push(rank(gtt.verdict) < rank(vram.verdict) ? gtt : vram);
    } else out.push(vram);
  });
  return out;
}

const rank = (v: FitBudget['verdict']): number => ({ fits: 0, tight: 1, 'killed-on-prompt': 2, 'wont-fit': 3 })[v];

export interface EstimateInput {
  header: GgufHeader;
  shape: ModelShape;
  server: ServerSettings;
  env: FitEnvironment;
  correction?: Correction | null;
  notes?: string[];
}

export function estimate({ header, shape, server, env, correction = null, notes: given = [] }: EstimateInput): FitEstimate {
  const notes = [...given, ...shape.unmodelled];
  const placement = resolvePlacement(shape, server, env, notes);
  const settings = { ...resolveSettings(shape, server), gpuLayers: placement.gpuLayers };
  let parts = partsFor(shape, header, settings, placement, correction);
  let formula = computeParts({ shape, tensors: header.tensors, settings, placement });

  // --fit (default on) shrinks an unset context to the host's total memory less 1 GiB (CPU only: common/fit.cpp).
  if (server.ctx === null && server.fit && placement.gpuLayers === 0 && env.memTotal) {
    const target = env.memTotal - 1024 ** 3;
    const total = sumParts(parts);
    const streams = settings.kvUnified ? 1 : settings.parallel;
    const minCtx = 4096 * streams;
    if (total > target && settings.ctx > minCtx) {
      const atMin = sumParts(partsFor(shape, header, { ...settings, ctx: minCtx }, placement, correction));
      const perCtx = (total - atMin) / (settings.ctx - minCtx);
      const align = 256 * streams;
      const ctx = Math.max(minCtx, Math.floor((minCtx + (target - atMin) / perCtx) / align) * align);
      settings.ctx = Math.min(ctx, settings.ctx);
      settings.ctxSource = 'fitted';
      parts = partsFor(shape, header, settings, placement, correction);
      formula = computeParts({ shape, tensors: header.tensors, settings, placement });
      notes.push(`no -c: llama-server's --fit would shrink the context from ${shape.ctxTrain} to about ${settings.ctx} to fit total memory (it does not see a memory limit)`);
    }
  }
  const REPACKED = new Set([2, 8, 10, 12, 13, 14, 20, 39]); // Q4_0, Q8_0, Q2_K, Q4_K, Q5_K, Q6_K, IQ4_NL, MXFP4
  if (settings.mmap && server.repack && header.tensors.some((t) => REPACKED.has(t.type))) {
    notes.push('on CPUs where llama.cpp repacks quantized weights (Q4_0, Q4_K, IQ4_NL… with AVX2 or ARM dot-product), those weights are anonymous memory, not mmap');
  }
  if (server.cacheRamMib !== 0) notes.push(`llama-server's prompt cache can grow by up to ${server.cacheRamMib < 0 ? 'unlimited' : formatBytes(server.cacheRamMib * 1024 * 1024)} with use (-cram)`);

  const growth = promptGrowth(shape, settings, placement.gpuLayers > 0);
  const b = budgets(parts, env, settings.mlock, growth);
  const verdict = b.reduce<FitBudget['verdict']>((v, x) => (rank(x.verdict) > rank(v) ? x.verdict : v), 'fits');
  const total = sumParts(parts);
  const anon = sumParts(parts, (p) => p.backing === 'anon' && p.device === 'CPU');
  const file = sumParts(parts, (p) => p.backing === 'file');
  const devices = [...new Set(parts.map((p) => p.device))].map((device) => {
    const on = parts.filter((p) => p.device === device);
    return {
      device,
      layers: layersOn(device, shape, placement),
      bytes: sumParts(on),
      anon: sumParts(on, (p) => p.backing === 'anon'),
      file: sumParts(on, (p) => p.backing === 'file'),
    };
  });
  const worst = b.find((x) => x.verdict === verdict && verdict !== 'fits') ?? b[0];
  const head = `needs ${formatBytes(total)}${file ? ` (${formatBytes(file)} of it file-backed)` : ''}`;
  const word = { fits: 'fits', tight: 'tight', 'killed-on-prompt': 'killed on a long prompt', 'wont-fit': "won't load" }[verdict];
  const why = worst ? `${head}; ${word}: ${worst.why}` : `${head}; nothing to compare with`;
  const untouched = growth.untouched(WARMUP_TOKENS);
  return {
    verdict,
    why: correction ? `${why} (${correction.basis.note})` : why,
    model: {
      path: header.files[0]!,
      files: header.files.length,
      fileBytes: header.fileBytes,
      arch: shape.arch,
      name: shape.name,
      layers: shape.nLayer,
      ctxTrain: shape.ctxTrain,
      id: modelId(header),
    },
    settings,
    parts,
    devices,
    total,
    anon,
    file,
    atLoad: { total: total - untouched, anon: anon - untouched },
    killedAt: verdict === 'killed-on-prompt' ? (worst?.killedAt ?? null) : null,
    budgets: b,
    formula: summarise(formula),
    basis: correction ? 'measured' : 'formula',
    measured: correction?.basis ?? null,
    notes,
  };
}

/** The CPU compute buffer's part that a prompt of N tokens has not yet written (none when the graph runs on a GPU: allocated there at load). */
export function promptGrowth(shape: ModelShape, settings: FitSettings, offloaded: boolean): PromptGrowth {
  const kv = kvLayout(shape, settings);
  const ubatch = Math.min(settings.ubatch, kv.ctx);
  const resident = (ub: number, cells: number): number => graphBytes(shape, settings.flashAttn, ub, cells) + workBytes(shape, settings, ub, cells);
  const full = resident(ubatch, kv.cells);
  const streams = settings.kvUnified ? 1 : Math.max(1, settings.parallel);
  return {
    ubatch,
    maxTokens: Math.floor(kv.cells / streams),
    untouched: (tokens) => (offloaded ? 0 : Math.max(0, full - resident(Math.min(tokens, ubatch), cellsFor(tokens, kv)))),
  };
}

function summarise(parts: FitPart[]): FitFormula {
  const k = (kind: FitPart['kind']): number => sumParts(parts, (p) => p.kind === kind);
  return {
    total: sumParts(parts),
    weights: k('weights'),
    weightsAnon: sumParts(parts, (p) => p.kind === 'weights' && p.device === 'CPU' && p.backing === 'anon'),
    kv: k('kv'),
    recurrent: k('recurrent'),
    output: k('output'),
    compute: k('compute'),
    work: k('work'),
  };
}

/** Size + header hash: the same model under another name is the same model. */
export const modelId = (h: Pick<GgufHeader, 'fileBytes' | 'headerHash'>): string => `${h.fileBytes}-${h.headerHash.slice(0, 16)}`;
