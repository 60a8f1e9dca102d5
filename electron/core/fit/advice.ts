// After an OOM kill: why, in the user's terms, and what would fit. Every
// option is the same prediction (same model, same measured corrections) for
// other flags, and is offered only when it fits with a margin (TIGHT_SHARE:
// 10 % of the budget stays free). The levers:
//   - context (-c), searched for the largest that fits, in steps of 1024;
//   - KV cache type (-ctk/-ctv), the least lossy first;
//   - the load mode: mmap'ed weights are page cache, charged to a memory
//     cgroup but reclaimable, so they are not what an OOM kill is about;
//   - flash attention and a smaller ubatch (-ub): smaller compute buffers, the
//     part a long prompt touches;
//   - with a GPU that does not hold it: fewer layers there (-ngl) or, for a
//     mixture of experts, the experts of the first layers on the CPU
//     (--n-cpu-moe).
// The first option keeps the most of what the user asked for: the largest
// context, then the least lossy KV cache, then the fewest costs in speed.
import type { FitAdvice, FitEstimate, FitUnknown } from '../../common/fit.js';
import type { OomKill } from '../../common/state.js';
import { formatBytes, formatKb } from '../../common/format.js';
import { TIGHT_SHARE, type FitEnvironment } from './estimate.js';
import type { KvCacheType } from './ggml-types.js';
import type { MeasurementStore } from './measurements.js';
import { describeSettings } from './measurements.js';
import { loadModel, predictForModel, type LoadedModel } from './predict.js';
import { parseServerArgs, type ServerSettings } from './server-args.js';

export interface AdviceInput {
  /** The kill as the OOM record has it; null when only the exit is known. */
  oom: Pick<OomKill, 'anonRssKb' | 'fileRssKb'> & { rssKb?: number | null } | null;
  argv: readonly string[];
  cwd?: string | null;
  env?: Record<string, string | undefined>;
  /** The backend's `llama:` setting (a wrapper of llama-server says true). */
  llama?: boolean | null;
  /** What there was when it started (MemAvailable, memoryLimit, GPUs). */
  machine: FitEnvironment;
  store?: MeasurementStore | null;
  /** The model, when the caller already read it. */
  model?: LoadedModel;
  /** How the diagnosis starts instead of "killed …" (the pressure guard: "stopped under memory pressure"). */
  lead?: string;
}

/** KV cache types from the least to the most lossy; an option never goes back to a more precise (bigger) type than asked. */
const KV_LOSS: Partial<Record<KvCacheType, number>> = { f32: 0, f16: 1, bf16: 1, q8_0: 2, q5_1: 3, q5_0: 4, q4_1: 5, iq4_nl: 6, q4_0: 6 };
const KV_TRY: KvCacheType[] = ['q8_0', 'q4_0'];
const CTX_STEP = 1024;
const CTX_MIN = 2048;
const MARGIN = `${Math.round((1 - TIGHT_SHARE) * 100)} %`;

/** What an option changes besides the context and the cache, and what each costs in speed (the lower, the better). */
interface Levers {
  mmap: boolean;
  flashAttn: boolean;
  ubatch: number | null;
  gpuLayers: number | null;
  cpuMoe: number | null;
}
const NO_LEVERS: Levers = { mmap: false, flashAttn: false, ubatch: null, gpuLayers: null, cpuMoe: null };
const cost = (l: Levers): number => (l.flashAttn ? 1 : 0) + (l.ubatch !== null ? 2 : 0) + (l.mmap ? 4 : 0) + (l.cpuMoe !== null ? 8 : 0) + (l.gpuLayers !== null ? 16 : 0);

interface Candidate {
  settings: ServerSettings;
  levers: Levers;
  ctx: number;
  kvLoss: number;
  estimate: FitEstimate;
  /** false: only the anonymous memory fits; mmap'ed weights are re-read from disk (slow, but no OOM kill). */
  whole: boolean;
}

/** Fits with the margin: everything (whole), or at least what only swap could free (paged). */
function judge(e: FitEstimate): 'whole' | 'paged' | null {
  let whole = true;
  for (const b of e.budgets) {
    const room = b.available * TIGHT_SHARE;
    if (b.device !== 'CPU' && b.needed > room) return null;
    if (b.neededAnon > room) return null;
    if (b.needed > room) whole = false;
  }
  return whole ? 'whole' : 'paged';
}

function flagsFor(base: FitEstimate, c: Candidate): string[] {
  const out: string[] = [];
  if (c.ctx !== base.settings.ctx) out.push('-c', String(c.ctx));
  const s = c.settings;
  if (s.cacheTypeK !== base.settings.cacheTypeK || s.cacheTypeV !== base.settings.cacheTypeV) out.push('-ctk', s.cacheTypeK, '-ctv', s.cacheTypeV);
  if (c.levers.mmap) out.push('-lm', 'mmap');
  if (c.levers.flashAttn) out.push('-fa', 'on');
  if (c.levers.ubatch !== null) out.push('-ub', String(c.levers.ubatch));
  if (c.levers.gpuLayers !== null) out.push('-ngl', String(c.levers.gpuLayers));
  if (c.levers.cpuMoe !== null) out.push('--n-cpu-moe', String(c.levers.cpuMoe));
  return out;
}

function describe(base: FitEstimate, c: Candidate): string {
  const parts: string[] = [];
  if (c.ctx !== base.settings.ctx) parts.push(`-c ${c.ctx}`);
  const s = c.settings;
  if (s.cacheTypeK !== base.settings.cacheTypeK || s.cacheTypeV !== base.settings.cacheTypeV) parts.push(`a ${s.cacheTypeK === s.cacheTypeV ? s.cacheTypeK : `${s.cacheTypeK}/${s.cacheTypeV}`} KV cache`);
  if (c.levers.mmap) parts.push('the weights mmap\'ed (-lm mmap: page cache, reclaimable, not an OOM cause)');
  if (c.levers.flashAttn) parts.push('flash attention (-fa on)');
  if (c.levers.ubatch !== null) parts.push(`-ub ${c.levers.ubatch} (smaller compute buffers, slower prompts)`);
  if (c.levers.gpuLayers !== null) parts.push(`-ngl ${c.levers.gpuLayers}`);
  if (c.levers.cpuMoe !== null) parts.push(`the experts of the first ${c.levers.cpuMoe} layers on the CPU (--n-cpu-moe ${c.levers.cpuMoe})`);
  const keeps = c.ctx === base.settings.ctx ? `, keeping -c ${c.ctx}` : '';
  const paged = c.whole ? '' : '; the weights do not all stay in memory and are re-read from disk (slow)';
  const anon = c.estimate.file > c.estimate.total * 0.05 ? ` (${formatBytes(c.estimate.anon)} anon)` : '';
  return `with ${parts.join(', ')}${keeps} it needs ${formatBytes(c.estimate.total)}${anon}${paged}`;
}

function room(e: FitEstimate): string {
  const b = e.budgets.find((x) => x.source === 'memoryLimit') ?? e.budgets.find((x) => x.source === 'MemAvailable') ?? e.budgets[0];
  if (!b) return 'the memory';
  return b.source === 'memoryLimit' ? 'the limit' : b.source === 'MemAvailable' ? 'what is available' : `${b.device}'s free ${b.source}`;
}

function what(e: FitEstimate): string {
  const w = e.parts.filter((p) => p.kind === 'weights').reduce((a, p) => a + p.bytes, 0);
  const kv = e.parts.filter((p) => p.kind === 'kv' || p.kind === 'recurrent').reduce((a, p) => a + p.bytes, 0);
  const compute = e.parts.filter((p) => p.kind === 'compute').reduce((a, p) => a + p.bytes, 0);
  return `weights ${formatBytes(w)} + KV cache ${formatBytes(kv)} + compute ${formatBytes(compute)} at ${describeSettings(e.settings)}`;
}

export async function adviseAfterOom(input: AdviceInput): Promise<FitAdvice | FitUnknown> {
  const parsed = parseServerArgs(input.argv, { cwd: input.cwd ?? undefined, env: input.env, llama: input.llama ?? null });
  if (!parsed.ok) return { verdict: 'unknown', why: parsed.why };
  const model = input.model ?? (await loadModel(parsed.settings.model));
  if ('why' in model) return { verdict: 'unknown', why: model.why };
  const base = parsed.settings;
  const predict = (s: ServerSettings): FitEstimate | null => {
    const p = predictForModel(model, s, input.machine, input.store ?? null);
    return p.verdict === 'unknown' ? null : p;
  };
  const now = predict(base);
  if (!now) return { verdict: 'unknown', why: 'no prediction for this model' };

  const killed = input.lead !== undefined ? input.lead : input.oom?.anonRssKb != null ? `killed at ${formatKb(input.oom.anonRssKb)} anon` : input.oom?.rssKb != null ? `killed at ${formatKb(input.oom.rssKb)} RSS` : 'killed';
  const budget = now.budgets.find((b) => b.source === 'memoryLimit') ?? now.budgets.find((b) => b.source === 'MemAvailable');
  const roomNow = budget ? (budget.source === 'memoryLimit' ? `the memory limit is ${formatBytes(budget.available)}` : `${formatBytes(budget.available)} was available`) : 'the available memory is unknown';
  const diagnosis = `${killed}; ${what(now)}; ${roomNow}.`;

  const candidates = search(model, base, now, predict);
  // The most of what was asked: context, then the cache's precision, then speed; whole fits before paged ones.
  candidates.sort((a, b) => Number(b.whole) - Number(a.whole) || b.ctx - a.ctx || a.kvLoss - b.kvLoss || cost(a.levers) - cost(b.levers));
  const picked: Candidate[] = [];
  const add = (c: Candidate | undefined): void => {
    if (c && !picked.includes(c) && picked.length < 4) picked.push(c);
  };
  add(candidates[0]);
  // Beside it: the best with a less lossy quantized cache than the first's, the best that keeps the asked cache type, and the best that changes nothing but the context.
  if (candidates[0]) add(candidates.find((c) => c.kvLoss > (KV_LOSS[base.cacheTypeK] ?? 1) && c.kvLoss < candidates[0]!.kvLoss));
  add(candidates.find((c) => c.kvLoss === (KV_LOSS[base.cacheTypeK] ?? 1)));
  add(candidates.find((c) => cost(c.levers) === 0 && c.kvLoss === (KV_LOSS[base.cacheTypeK] ?? 1)));
  const options: FitAdvice['options'] = picked.map((c) => ({ flags: flagsFor(now, c), needed: c.estimate.total, text: describe(now, c) }));
  const advice = options.length
    ? `${options.map((o, i) => (i === 0 ? o.text.charAt(0).toUpperCase() + o.text.slice(1) : `or ${o.text}`)).join('; ')} (each leaves ${MARGIN} of ${room(now)} free).`
    : `Nothing fits with a ${MARGIN} margin, down to -c ${CTX_MIN} with a q4_0 KV cache, mmap'ed weights, flash attention and -ub 128: ${what(now)} is more than there is.`;
  return { diagnosis, options, text: `${diagnosis} ${advice}` };
}

function search(model: LoadedModel, base: ServerSettings, now: FitEstimate, predict: (s: ServerSettings) => FitEstimate | null): Candidate[] {
  const ctxAsked = now.settings.ctx;
  const askedLoss = KV_LOSS[base.cacheTypeK] ?? 1;
  const kvTypes: [KvCacheType, KvCacheType, number][] = [[base.cacheTypeK, base.cacheTypeV, askedLoss]];
  for (const t of KV_TRY) if ((KV_LOSS[t] ?? 9) > askedLoss) kvTypes.push([t, t, KV_LOSS[t]!]);
  const apply = (levers: Levers, ctx: number, k: KvCacheType, v: KvCacheType): ServerSettings => {
    const s: ServerSettings = { ...base, ctx, cacheTypeK: k, cacheTypeV: v, overrides: [...base.overrides] };
    if (levers.mmap) s.loadMode = 'mmap';
    if (levers.flashAttn) s.flashAttn = 'on';
    if (levers.ubatch !== null) s.ubatch = levers.ubatch;
    if (levers.gpuLayers !== null) s.gpuLayers = levers.gpuLayers;
    if (levers.cpuMoe !== null) for (let l = 0; l < levers.cpuMoe; l++) s.overrides.push({ pattern: `blk\\.${l}\\.ffn_(up|down|gate)_exps`, buffer: 'CPU' });
    return s;
  };
  const tryAt = (levers: Levers, ctx: number, k: KvCacheType, v: KvCacheType): { e: FitEstimate; fit: 'whole' | 'paged' | null } | null => {
    const e = predict(apply(levers, ctx, k, v));
    return e ? { e, fit: judge(e) } : null;
  };

  const out: Candidate[] = [];
  // Host-side levers, in every combination that applies to these flags.
  const mmapOptions = base.loadMode === 'none' || base.loadMode === 'mlock' || base.loadMode === 'dio' ? [false, true] : [false];
  const faOptions = base.flashAttn === 'off' ? [false, true] : [false];
  const ubOptions: (number | null)[] = [null, ...[256, 128].filter((u) => u < Math.min(base.ubatch, base.batch))];
  for (const mmap of mmapOptions) {
    for (const flashAttn of faOptions) {
      for (const ubatch of ubOptions) {
        const levers: Levers = { ...NO_LEVERS, mmap, flashAttn, ubatch };
        for (const [k, v, kvLoss] of kvTypes) {
          const found = largestContext(ctxAsked, (ctx) => tryAt(levers, ctx, k, v));
          if (found) out.push({ settings: apply(levers, found.ctx, k, v), levers, ctx: found.ctx, kvLoss, estimate: found.e, whole: found.fit === 'whole' });
        }
      }
    }
  }
  // A GPU that does not hold it: the most layers (or expert layers) that stay there, at the asked context and cache.
  if (now.budgets.some((b) => b.device !== 'CPU' && b.verdict !== 'fits') && now.settings.gpuLayers > 0) {
    const gpuLever = (levers: (n: number) => Levers, from: number, to: number): void => {
      // The first n (from → to) that fits: the prediction shrinks on the GPU as n moves toward `to`.
      const step = from < to ? 1 : -1;
      for (let n = from; n !== to + step; n += step) {
        const l = levers(n);
        const r = tryAt(l, ctxAsked, base.cacheTypeK, base.cacheTypeV);
        if (r?.fit) {
          out.push({ settings: apply(l, ctxAsked, base.cacheTypeK, base.cacheTypeV), levers: l, ctx: ctxAsked, kvLoss: askedLoss, estimate: r.e, whole: r.fit === 'whole' });
          return;
        }
      }
    };
    if (model.shape.nExpert > 0) gpuLever((n) => ({ ...NO_LEVERS, cpuMoe: n }), 1, model.shape.nLayer);
    gpuLever((n) => ({ ...NO_LEVERS, gpuLayers: n }), now.settings.gpuLayers - 1, 0);
  }
  return out;
}

/** The largest context ≤ asked (the asked one, or a multiple of 1024 ≥ 2048) that fits; prediction grows with the context. */
function largestContext(asked: number, at: (ctx: number) => { e: FitEstimate; fit: 'whole' | 'paged' | null } | null): { ctx: number; e: FitEstimate; fit: 'whole' | 'paged' } | null {
  const whole = at(asked);
  if (whole?.fit === 'whole') return { ctx: asked, e: whole.e, fit: 'whole' };
  // Whole fits are searched first; a paged fit at the asked context is kept only if no context fits whole.
  const best = (kind: 'whole' | 'paged'): { ctx: number; e: FitEstimate; fit: 'whole' | 'paged' } | null => {
    const ok = (r: ReturnType<typeof at>): boolean => r !== null && (r.fit === 'whole' || (kind === 'paged' && r.fit === 'paged'));
    const top = Math.floor((asked - 1) / CTX_STEP);
    let lo = CTX_MIN / CTX_STEP;
    if (top < lo) return null;
    const atLo = at(lo * CTX_STEP);
    if (!ok(atLo)) return null;
    let hi = top + 1;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (ok(at(mid * CTX_STEP))) lo = mid;
      else hi = mid;
    }
    const r = at(lo * CTX_STEP)!;
    return { ctx: lo * CTX_STEP, e: r.e, fit: r.fit! };
  };
  const w = best('whole');
  if (w) return w;
  if (whole?.fit === 'paged') return { ctx: asked, e: whole.e, fit: 'paged' };
  return best('paged');
}
