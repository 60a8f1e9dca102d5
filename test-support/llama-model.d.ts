import { type TensorSpec } from './gguf-writer.js';
export declare const LLAMA_SRC: string;
export declare const LLAMA_SERVER: string;
export declare const VOCAB_GGUF: string;
export interface LlamaShape {
    nEmbd: number;
    nLayer: number;
    nHead: number;
    nHeadKv: number;
    nFf: number;
    /** 'F16', 'Q8_0', 'F32', 'BF16'… for the big matrices; norms stay F32. */
    type: string;
    ctxTrain?: number;
    /** Leave out output.weight (llama.cpp then ties it to token_embd). */
    tiedOutput?: boolean;
}
/** The shapes of a llama model's tensors (llama.cpp's LLM_ARCH_LLAMA). */
export declare function llamaTensors(s: LlamaShape, nVocab: number): TensorSpec[];
export declare const haveVocab: () => boolean;
/** Writes a llama model to `file`; returns its size. */
export declare function writeLlamaModel(file: string, s: LlamaShape, data?: 'fill' | 'sparse'): Promise<number>;
