export interface SparseModel {
    layers: number;
    embd: number;
    vocab: number;
    ctxTrain?: number;
}
/** A llama model of F16 weights (a hole on disk); returns its path. */
export declare function writeSparseModel(file: string, m: SparseModel): string;
/** Writes `<dir>/llama-server`, a wrapper that runs the fake server with the given arguments; returns `dir` (put it first in PATH). */
export declare function fakeLlamaServerBin(dir: string): string;
