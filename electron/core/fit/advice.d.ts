import type { FitAdvice, FitUnknown } from '../../common/fit.js';
import type { OomKill } from '../../common/state.js';
import type { FitEnvironment } from './estimate.js';
import type { MeasurementStore } from './measurements.js';
import { type LoadedModel } from './predict.js';
export interface AdviceInput {
    /** The kill as the OOM record has it; null when only the exit is known. */
    oom: Pick<OomKill, 'anonRssKb' | 'fileRssKb'> & {
        rssKb?: number | null;
    } | null;
    argv: readonly string[];
    cwd?: string | null;
    env?: Record<string, string | undefined>;
    /** What there was when it started (MemAvailable, memoryLimit, GPUs). */
    machine: FitEnvironment;
    store?: MeasurementStore | null;
    /** The model, when the caller already read it. */
    model?: LoadedModel;
}
export declare function adviseAfterOom(input: AdviceInput): Promise<FitAdvice | FitUnknown>;
