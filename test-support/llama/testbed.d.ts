export declare const BUILD_SCRIPT: string;
/** The one command a developer runs to get the test bed (~6–10 min once on 2 cores; reused afterwards). */
export declare const BUILD_COMMAND = "bash test-support/llama/build-llama-server.sh";
/** Same rule as the build script: $VIGIL_LLAMA_CACHE, else $XDG_CACHE_HOME/vigil-testbed, else ~/.cache/vigil-testbed. */
export declare const cacheDir: () => string;
/** llama.cpp's source tree (models/ vocab GGUFs, gguf-py/). */
export declare const sourceDir: () => string;
export declare const modelsDir: () => string;
export type Located = {
    path: string;
    reason: null;
} | {
    path: null;
    reason: string;
};
/** The built llama-server, or why there is none and the command that builds it. */
export declare function llamaServerPath(): Located;
/** Null when models can be generated here, else what is missing (python3 with numpy, the source tree). */
export declare function missingGenerator(): string | null;
/** Null when real-server tests can run here (binary built, models can be made), else why not. */
export declare function missingLlamaServer(): string | null;
export type TensorType = 'F32' | 'F16' | 'Q8_0';
export interface ModelParams {
    layers: number;
    /** Embedding size. */
    embd: number;
    heads: number;
    /** Fewer than `heads` makes a grouped-query-attention model. */
    kvHeads: number;
    /** Feed-forward size. */
    ff: number;
    /** The model's trained context length (default 4096). */
    ctx?: number;
    /** Vocab-only GGUF whose tokenizer is copied (default: the source tree's llama-spm, 32000 tokens). */
    vocab?: string;
    type?: TensorType;
    /** general.architecture (default llama); another name makes a model this build refuses to load. */
    arch?: string;
}
/**
 * Named models. Sizes with the llama-spm vocabulary (32000 tokens, whose
 * embedding and output matrices dominate the small ones).
 */
export declare const PRESETS: {
    /** 8.7 MiB, F16: loads in well under a second; for lifecycle tests. */
    readonly tiny: {
        readonly layers: 2;
        readonly embd: 64;
        readonly heads: 2;
        readonly kvHeads: 2;
        readonly ff: 128;
        readonly type: "F16";
    };
    /** 9.3 MiB, Q8_0, grouped-query attention (4 query heads share 1 KV head). */
    readonly tinyGqa: {
        readonly layers: 2;
        readonly embd: 128;
        readonly heads: 4;
        readonly kvHeads: 1;
        readonly ff: 256;
        readonly type: "Q8_0";
    };
    /** 88 MiB, F16: more than a 64 MiB memory limit holds once read in with --no-mmap. */
    readonly small: {
        readonly layers: 4;
        readonly embd: 512;
        readonly heads: 8;
        readonly kvHeads: 8;
        readonly ff: 1408;
        readonly type: "F16";
    };
    /** ≈ 0.95 GiB, Q8_0, GQA 16/4: a load that takes a second or more from disk, and memory that matters. */
    readonly large: {
        readonly layers: 18;
        readonly embd: 2048;
        readonly heads: 16;
        readonly kvHeads: 4;
        readonly ff: 5632;
        readonly type: "Q8_0";
    };
};
export type PresetName = keyof typeof PRESETS;
/**
 * File name of a model: readable parameters plus a hash of all of them and
 * of the generator itself, so a changed generator never reuses an old file.
 * Files of older generators are left behind: delete the models folder to
 * reclaim the space (it is shared, so nothing here prunes it).
 */
export declare function modelKey(params: ModelParams): string;
/**
 * Path of the model with these parameters (or preset), generating it on
 * first use into the cache (see writeModel).
 */
export declare function model(which: ModelParams | PresetName): Promise<string>;
/**
 * Writes the model with these parameters to `out` (unless it exists). The
 * generator writes beside the destination and renames under a lock, so
 * parallel callers share one file and never see half of it.
 */
export declare function writeModel(params: ModelParams, out: string): Promise<void>;
/**
 * Drops a file's pages from the page cache (posix_fadvise DONTNEED), so the
 * next load reads it from disk as after a reboot: a load that takes a
 * measurable moment instead of a page-cache copy.
 */
export declare function evictFromPageCache(file: string): void;
