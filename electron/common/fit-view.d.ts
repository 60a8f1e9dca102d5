import type { BackendFit, FitBudget, FitEstimate, FitPolicy, FitPrediction, FitVerdict } from './fit.js';
export declare const verdictWord: (v: FitVerdict) => string;
/** The budget that decided the verdict: the worst, and among equals the smallest room. */
export declare function decidingBudget(e: Pick<FitEstimate, 'budgets'>): FitBudget | null;
/**
 * One line for a prediction: "won't fit — needs 162 MiB (148 MiB anon), limit
 * 64.0 MiB", "fits — needs 41.7 MiB (19.7 MiB anon), 22.1 GiB available;
 * measured on the last run: 40.1 MiB", "no prediction: …".
 */
export declare function fitHeadline(p: FitPrediction): string;
/** The state's view of a prediction made before a start. */
export declare function backendFitOf(p: FitPrediction, policy: FitPolicy, at: number): BackendFit;
