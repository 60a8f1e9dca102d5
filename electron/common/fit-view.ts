// The words for a backend's "will it fit?" (BackendFit, in fit.ts) and how a
// prediction becomes that state: written once so the event, the card and
// the API say the same thing.
import type { BackendFit, FitBudget, FitEstimate, FitKilledAt, FitPolicy, FitPrediction, FitVerdict } from './fit.js';
import { formatBytes } from './format.js';

const VERDICT_WORD: Record<FitVerdict, string> = { fits: 'fits', tight: 'tight', 'killed-on-prompt': 'killed on a long prompt', 'wont-fit': "won't load", unknown: 'no prediction' };

export const verdictWord = (v: FitVerdict): string => VERDICT_WORD[v];

const RANK: Record<FitBudget['verdict'], number> = { fits: 0, tight: 1, 'killed-on-prompt': 2, 'wont-fit': 3 };

/** "limit 64.0 MiB", "22.1 GiB available", "GPU0 7.5 GiB free VRAM". */
function budgetWords(b: FitBudget): string {
  if (b.source === 'memoryLimit') return `limit ${formatBytes(b.available)}`;
  if (b.source === 'MemAvailable') return `${formatBytes(b.available)} available`;
  return `${b.device} ${formatBytes(b.available)} free ${b.source}`;
}

/** The budget that decided the verdict: the worst, and among equals the smallest room. */
export function decidingBudget(e: Pick<FitEstimate, 'budgets'>): FitBudget | null {
  let best: FitBudget | null = null;
  for (const b of e.budgets) {
    if (!best || RANK[b.verdict] > RANK[best.verdict] || (RANK[b.verdict] === RANK[best.verdict] && b.available < best.available)) best = b;
  }
  return best;
}

/** "a prompt of ~5632 tokens", "its first full batch (-ub 512)". */
export function killedAtWords(k: FitKilledAt): string {
  return k.fullBatch ? `its first full batch (a prompt of ~${k.tokens} tokens, -ub ${k.ubatch})` : `a prompt of ~${k.tokens} tokens`;
}

/**
 * One line for a prediction: "won't load — needs 162 MiB (148 MiB anon), limit
 * 64.0 MiB", "killed on a long prompt — loads with 150 MiB anon, killed on a
 * prompt of ~5632 tokens; needs 402 MiB (314 MiB anon) at a full context,
 * limit 256 MiB", "fits — needs 41.7 MiB (19.7 MiB anon), 22.1 GiB
 * available; measured on the last run: 40.1 MiB", "no prediction: …".
 */
export function fitHeadline(p: FitPrediction): string {
  if (p.verdict === 'unknown') return `no prediction: ${p.why}`;
  const b = decidingBudget(p);
  const need = `needs ${formatBytes(p.total)}${p.anon !== p.total ? ` (${formatBytes(p.anon)} anon)` : ''}`;
  const room = b ? `, ${budgetWords(b)}` : ', nothing to compare with';
  const basis = p.measured ? `; ${p.measured.note}` : '';
  if (p.verdict === 'killed-on-prompt' && p.killedAt) {
    return `${verdictWord(p.verdict)} — loads with ${formatBytes(p.atLoad.anon)} anon, killed on ${killedAtWords(p.killedAt)}; ${need} at a full context${room}${basis}`;
  }
  return `${verdictWord(p.verdict)} — ${need}${room}${basis}`;
}

/** The state's view of a prediction made before a start. */
export function backendFitOf(p: FitPrediction, policy: FitPolicy, at: number): BackendFit {
  const base: BackendFit = {
    at,
    policy,
    verdict: p.verdict,
    headline: fitHeadline(p),
    why: p.why,
    predicted: null,
    killedAt: null,
    parts: [],
    basis: null,
    basisNote: null,
    notes: [],
    refused: false,
    startedAnyway: false,
    measurement: null,
    advice: null,
  };
  if (p.verdict === 'unknown') return base;
  return {
    ...base,
    predicted: { total: p.total, anon: p.anon, file: p.file, atLoadAnon: p.atLoad.anon },
    killedAt: p.killedAt,
    parts: p.parts.map(({ kind, device, bytes, backing, detail }) => ({ kind, device, bytes, backing, detail })),
    basis: p.basis,
    basisNote: p.measured?.note ?? null,
    notes: p.notes,
  };
}
