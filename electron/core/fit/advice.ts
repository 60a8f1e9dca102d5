// After an OOM kill: why, in the user's terms, and what would fit. The
// options are the same prediction (same model, same measured corrections)
// for other flags — smaller contexts, quantized KV cache, both — and only
// those the prediction says fit are offered.
import type { FitAdvice, FitEstimate, FitUnknown } from '../../common/fit.js';
import type { OomKill } from '../../common/state.js';
import { formatBytes, formatKb } from '../../common/format.js';
import type { FitEnvironment } from './estimate.js';
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
}

const KV_STEPS: [string, string][] = [['q8_0', 'q8_0'], ['q4_0', 'q4_0']];

function flagsFor(base: ServerSettings, s: ServerSettings): string[] {
  const out: string[] = [];
  if (s.ctx !== base.ctx) out.push('-c', String(s.ctx));
  if (s.cacheTypeK !== base.cacheTypeK || s.cacheTypeV !== base.cacheTypeV) out.push('-ctk', s.cacheTypeK, '-ctv', s.cacheTypeV);
  return out;
}

function what(e: FitEstimate): string {
  const w = e.parts.filter((p) => p.kind === 'weights').reduce((a, p) => a + p.bytes, 0);
  const kv = e.parts.filter((p) => p.kind === 'kv' || p.kind === 'recurrent').reduce((a, p) => a + p.bytes, 0);
  return `weights ${formatBytes(w)} + KV cache ${formatBytes(kv)} at ${describeSettings(e.settings)}`;
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

  const killed = input.oom?.anonRssKb != null ? `killed at ${formatKb(input.oom.anonRssKb)} anon` : input.oom?.rssKb != null ? `killed at ${formatKb(input.oom.rssKb)} RSS` : 'killed';
  const budget = now.budgets.find((b) => b.source === 'memoryLimit') ?? now.budgets.find((b) => b.source === 'MemAvailable');
  const room = budget ? (budget.source === 'memoryLimit' ? `the memory limit is ${formatBytes(budget.available)}` : `${formatBytes(budget.available)} was available`) : 'the available memory is unknown';
  const diagnosis = `${killed}; ${what(now)}; ${room}.`;

  // Candidates: the current cache types at smaller contexts, quantized caches at the current context, then both.
  const ctxNow = now.settings.ctx;
  const ctxSteps: number[] = [];
  for (let c = 2 ** Math.floor(Math.log2(ctxNow - 1)); c >= 2048; c /= 2) ctxSteps.push(c);
  const options: FitAdvice['options'] = [];
  const tryOne = (s: ServerSettings): FitEstimate | null => {
    const e = predict(s);
    return e && e.verdict === 'fits' ? e : null;
  };
  const firstFitting = (variants: ServerSettings[]): { s: ServerSettings; e: FitEstimate } | null => {
    for (const s of variants) {
      const e = tryOne(s);
      if (e) return { s, e };
    }
    return null;
  };
  const smaller = firstFitting(ctxSteps.map((ctx) => ({ ...base, ctx })));
  if (smaller) options.push({ flags: flagsFor(base, smaller.s), needed: smaller.e.total, text: `with -c ${smaller.s.ctx} it needs ${formatBytes(smaller.e.total)}` });
  const quant = KV_STEPS.filter(([k, v]) => k !== base.cacheTypeK || v !== base.cacheTypeV);
  const q = firstFitting(quant.map(([k, v]) => ({ ...base, ctx: ctxNow, cacheTypeK: k as ServerSettings['cacheTypeK'], cacheTypeV: v as ServerSettings['cacheTypeV'] })));
  if (q) options.push({ flags: flagsFor(base, q.s), needed: q.e.total, text: `with -ctk ${q.s.cacheTypeK} -ctv ${q.s.cacheTypeV} at -c ${ctxNow}, ${formatBytes(q.e.total)}` });
  if (!smaller && !q) {
    const both = firstFitting(quant.flatMap(([k, v]) => ctxSteps.map((ctx) => ({ ...base, ctx, cacheTypeK: k as ServerSettings['cacheTypeK'], cacheTypeV: v as ServerSettings['cacheTypeV'] }))));
    if (both) options.push({ flags: flagsFor(base, both.s), needed: both.e.total, text: `with -c ${both.s.ctx} -ctk ${both.s.cacheTypeK} -ctv ${both.s.cacheTypeV} it needs ${formatBytes(both.e.total)}` });
  }
  const advice = options.length
    ? `${options.map((o, i) => (i === 0 ? o.text.charAt(0).toUpperCase() + o.text.slice(1) : o.text)).join('; ')}.`
    : `No smaller context (down to 2048) or quantized KV cache fits: ${what({ ...now })} is more than there is.`;
  return { diagnosis, options, text: `${diagnosis} ${advice}` };
}
