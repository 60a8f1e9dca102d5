import type { BackendFit, FitPart, FitPrediction, FitVerdict } from '../../electron/common/fit.js';
import type { Tone } from './format.js';
export declare function verdictTone(v: FitVerdict): Tone;
/** The headline after its verdict ("needs 414 MiB (313 MiB anon), limit 256 MiB"): the badge says the verdict. */
export declare function headlineDetail(fit: Pick<BackendFit, 'verdict' | 'headline'>): string;
/** A prediction as the form shows it: the same words as a backend's card. */
export declare function predictionSummary(p: FitPrediction): {
    verdict: FitVerdict;
    detail: string;
};
export interface PartRow {
    what: string;
    device: string;
    bytes: string;
    /** 'file' (mmap: page cache, reclaimable) or 'anon'. */
    backing: string;
    detail: string;
}
export declare function partRows(parts: readonly FitPart[]): PartRow[];
