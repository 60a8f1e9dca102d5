// How the dashboard shows "will it fit?": the verdict's tone and words, the
// headline without the verdict the badge already says, the breakdown's rows.
// The headline itself is worded once, in electron/common/fit-view.ts.
import type { BackendFit, FitPart, FitPrediction, FitVerdict } from '../../electron/common/fit.js';
import { fitHeadline, verdictWord } from '../../electron/common/fit-view.js';
import { formatBytes } from '../../electron/common/format.js';
import type { Tone } from './format.js';

export function verdictTone(v: FitVerdict): Tone {
  switch (v) {
    case 'fits':
      return 'ok';
    case 'tight':
      return 'warn';
    case 'killed-on-prompt':
    case 'wont-fit':
      return 'bad';
    case 'unknown':
      return 'idle';
  }
}

/** The headline after its verdict ("needs 414 MiB (313 MiB anon), limit 256 MiB"): the badge says the verdict. */
export function headlineDetail(fit: Pick<BackendFit, 'verdict' | 'headline'>): string {
  const lead = `${verdictWord(fit.verdict)} — `;
  if (fit.headline.startsWith(lead)) return fit.headline.slice(lead.length);
  return fit.verdict === 'unknown' ? fit.headline.replace(/^no prediction: /, '') : fit.headline;
}

/** A prediction as the form shows it: the same words as a backend's card. */
export function predictionSummary(p: FitPrediction): { verdict: FitVerdict; detail: string } {
  return { verdict: p.verdict, detail: headlineDetail({ verdict: p.verdict, headline: fitHeadline(p) }) };
}

const KIND: Record<FitPart['kind'], string> = { weights: 'weights', kv: 'KV cache', recurrent: 'recurrent state', compute: 'compute', work: 'work buffer', output: 'output', overhead: 'process' };

export interface PartRow {
  what: string;
  device: string;
  bytes: string;
  /** 'file' (mmap: page cache, reclaimable) or 'anon'. */
  backing: string;
  detail: string;
}

export function partRows(parts: readonly FitPart[]): PartRow[] {
  return parts.map((p) => ({ what: KIND[p.kind], device: p.device, bytes: formatBytes(p.bytes), backing: p.backing, detail: p.detail }));
}
