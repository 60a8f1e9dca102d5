import type { FitEstimate, FitMeasuredBasis, FitPart, FitSettings } from '../../common/fit.js';
import type { GgufHeader } from './gguf-header.js';
import type { ModelShape } from './model-shape.js';
import { type Placement } from './parts.js';
import type { ServerSettings } from './server-args.js';
export interface FitEnvironment {
    /** /proc/meminfo, bytes; null when unknown. */
    memAvailable: number | null;
    memTotal: number | null;
    /** What the backend's running instance holds now (a restart frees it first), bytes. */
    ownInstanceBytes?: number;
    /** The backend's memoryLimit, bytes. */
    memoryLimit?: number | null;
    gpus?: {
        name?: string;
        vramTotal: number;
        vramUsed: number;
        gttTotal?: number | null;
        gttUsed?: number | null;
    }[];
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
export declare function resolvePlacement(shape: ModelShape, s: ServerSettings, env: FitEnvironment, notes: string[]): Placement;
export declare function resolveSettings(shape: ModelShape, s: ServerSettings): FitSettings;
/** The parts for settings, corrected by an earlier run when given. */
export declare function partsFor(shape: ModelShape, header: GgufHeader, settings: FitSettings, placement: Placement, corr: Correction | null): FitPart[];
export interface EstimateInput {
    header: GgufHeader;
    shape: ModelShape;
    server: ServerSettings;
    env: FitEnvironment;
    correction?: Correction | null;
    notes?: string[];
}
export declare function estimate({ header, shape, server, env, correction, notes: given }: EstimateInput): FitEstimate;
/** Size + header hash: the same model under another name is the same model. */
export declare const modelId: (h: Pick<GgufHeader, "fileBytes" | "headerHash">) => string;
