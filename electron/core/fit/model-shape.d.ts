import { type GgufHeader } from './gguf-header.js';
export interface ModelShape {
    arch: string;
    name: string | null;
    nLayer: number;
    ctxTrain: number;
    nEmbd: number;
    nVocab: number;
    /** Largest feed-forward width (dense, or experts used × expert width for MoE). */
    nFf: number;
    nHead: number[];
    nHeadKv: number[];
    /** Per layer: K and V row length (head size × KV heads). */
    nEmbdKGqa: number[];
    nEmbdVGqa: number[];
    /** Sliding-window size (0 = none) and which layers use it. */
    swaWindow: number;
    isSwa: boolean[];
    /** Layers with recurrent state instead of a KV cache, and their state per sequence (F32 elements). */
    isRecurrent: boolean[];
    recurrentR: number;
    recurrentS: number;
    /** Something in this model whose memory is not modelled (said in the prediction). */
    unmodelled: string[];
}
export declare class ModelShapeError extends Error {
}
export declare function modelShape(h: GgufHeader): ModelShape;
/** A tensor's layer: `blk.N.…` → N; token embeddings and other inputs → 'input'; output/output_norm → 'output'. */
export declare function tensorLayer(name: string): number | 'input' | 'output';
