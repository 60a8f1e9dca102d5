import { type KvCacheType } from './ggml-types.js';
export type LoadMode = 'auto' | 'none' | 'mmap' | 'mlock' | 'mmap+mlock' | 'dio';
export type GpuLayers = number | 'auto' | 'all';
export interface ServerSettings {
    /** Absolute path of -m (resolved against the backend's working directory). */
    model: string;
    /** -c as given; null when unset (trained context, llama.cpp's --fit may shrink it); 0 = trained context. */
    ctx: number | null;
    /** -np as given; null = auto (4 slots, unified KV). */
    parallel: number | null;
    /** -kvu/-no-kvu as given; null = llama.cpp decides (unified when -np is auto). */
    kvUnified: boolean | null;
    cacheTypeK: KvCacheType;
    cacheTypeV: KvCacheType;
    gpuLayers: GpuLayers;
    /** -ot pattern=buffer pairs, in order. */
    overrides: {
        pattern: string;
        buffer: string;
    }[];
    batch: number;
    ubatch: number;
    flashAttn: 'on' | 'off' | 'auto';
    loadMode: LoadMode;
    swaFull: boolean;
    kvOffload: boolean;
    repack: boolean;
    /** --fit (default on): llama.cpp adjusts unset parameters to the host's memory. */
    fit: boolean;
    /** -cram: prompt cache limit in MiB (grows with use, after ready); -1 = no limit. */
    cacheRamMib: number;
}
export type ParsedServerArgs = {
    ok: true;
    settings: ServerSettings; /** flags whose memory effect is not modelled */
    notes: string[];
} | {
    ok: false;
    why: string;
};
/** What changes memory in a llama-server command line. `cwd` resolves a relative -m. */
export declare function parseServerArgs(argv: readonly string[], opts?: {
    cwd?: string;
    env?: Record<string, string | undefined>;
}): ParsedServerArgs;
