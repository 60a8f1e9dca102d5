import type { FitDevice, FitPart, FitSettings } from '../../common/fit.js';
import type { GgufTensorInfo } from './gguf-header.js';
import { type ModelShape } from './model-shape.js';
/** The process without its buffers, at ready: heap, threads (anon) and the binary and libraries (file). CPU build, measured. */
export declare const PROCESS_ANON: number;
export declare const PROCESS_FILE: number;
export interface KvLayout {
    /** Cells of the full-attention layers' cache (all streams). */
    cells: number;
    /** Cells of a sliding-window layer's cache (all streams). */
    swaCells: number;
    /** Context actually used (padded as llama.cpp pads it). */
    ctx: number;
}
/** llama_context / llama_kv_cache(_iswa): n_ctx padded to 256, split per stream when not unified. */
export declare function kvLayout(shape: ModelShape, s: Pick<FitSettings, 'ctx' | 'parallel' | 'kvUnified' | 'ubatch' | 'swaFull'>): KvLayout;
export interface Placement {
    /** Layers from this index up (and the output layer when gpuLayers ≥ 1) go to GPU0. */
    gpuFrom: number;
    gpuLayers: number;
    overrides: {
        re: RegExp;
        device: FitDevice;
    }[];
    kvOffload: boolean;
}
export declare function deviceOf(t: GgufTensorInfo, shape: ModelShape, p: Placement): FitDevice;
/** Which layers a device holds, for the breakdown. */
export declare function layersOn(device: FitDevice, shape: ModelShape, p: Placement): string;
export interface PartsInput {
    shape: ModelShape;
    tensors: readonly GgufTensorInfo[];
    settings: FitSettings;
    placement: Placement;
}
/** Every part, in bytes, for one set of settings. */
export declare function computeParts({ shape, tensors, settings: s, placement: p }: PartsInput): FitPart[];
export declare const sumParts: (parts: readonly FitPart[], f?: (p: FitPart) => boolean) => number;
