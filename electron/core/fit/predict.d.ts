import type { FitPrediction } from '../../common/fit.js';
import type { GpuMemory } from '../../common/state.js';
import { type FitEnvironment } from './estimate.js';
import { type GgufHeader } from './gguf-header.js';
import type { MeasurementStore } from './measurements.js';
import { type ModelShape } from './model-shape.js';
import { type ServerSettings } from './server-args.js';
export interface PredictInput {
    /** The backend's argv (config `cmd`, placeholders already substituted). */
    argv: readonly string[];
    /** The backend's working directory (a relative -m is resolved against it). */
    cwd?: string | null;
    /** The backend's environment (LLAMA_ARG_* count like flags). */
    env?: Record<string, string | undefined>;
    machine: FitEnvironment;
    store?: MeasurementStore | null;
}
export interface LoadedModel {
    header: GgufHeader;
    shape: ModelShape;
}
/** The header and shape of a model, or why they cannot be had (a sentence naming the file). */
export declare function loadModel(file: string): Promise<LoadedModel | {
    why: string;
}>;
export declare function predictFit(input: PredictInput): Promise<FitPrediction>;
/** The prediction for a loaded model and settings (the advice asks this for other flags). */
export declare function predictForModel(model: LoadedModel, server: ServerSettings, machine: FitEnvironment, store: MeasurementStore | null, notes?: string[]): FitPrediction;
/** The host's side of the environment from /proc/meminfo; limits and GPUs come from the caller. */
export declare function machineNow(opts?: {
    procRoot?: string;
    memoryLimit?: number | null;
    ownInstanceBytes?: number;
    gpus?: GpuMemory[];
}): Promise<FitEnvironment>;
