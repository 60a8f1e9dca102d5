import type { LlamaBufferKind, LlamaDeathReason, LlamaGenerationProbe, LlamaView } from '../../electron/common/llama.js';
import type { BackendView } from '../../electron/common/state.js';
/** The flag that makes llama-server print its buffer sizes; offered, never added. */
export declare const VERBOSE_FLAG = "-lv 4";
/** Whether the view is about a process that runs now (else it is the last run's). */
export declare const isCurrent: (b: Pick<BackendView, "status">) => boolean;
/** 'Loading model 45 %', 'Serving on http://127.0.0.1:8080' … while the process runs; null otherwise. */
export declare function phaseText(b: Pick<BackendView, 'status'>, l: LlamaView): string | null;
/** 'tiny-model · F16 · 8.7 MiB', from what the log and /props say; null when nothing is known. */
export declare function modelText(l: LlamaView): string | null;
/** '4096 tokens, 4 slots of 4096' or the parts known. */
export declare function contextText(l: LlamaView): string | null;
export interface MemoryPart {
    kind: LlamaBufferKind;
    label: string;
    bytes: number;
    /** '1.0 MiB (4096 cells, f16)'. */
    text: string;
}
export interface DeviceMemory {
    key: string;
    /** 'Host RAM', 'CUDA0 (RTX 4090)'. */
    label: string;
    total: number;
    parts: MemoryPart[];
    /** Where the figures come from, as the card says it. */
    source: string;
}
/** One row per device, parts in a fixed order; empty when the log gave no sizes. */
export declare function memoryRows(l: LlamaView): DeviceMemory[];
/**
 * Without sizes in the log (llama-server's default verbosity): what /proc
 * says of the running process tree, labelled so, and the flag that adds the
 * sizes. Null while the log has them, or nothing is known.
 */
export declare function procMemoryText(b: Pick<BackendView, 'status' | 'memory'> & Partial<Pick<BackendView, 'fit'>>, l: LlamaView): {
    text: string | null;
    hint: string | null;
} | null;
/** '1 of 4 slots busy, 4096 tokens each, 2 requests waiting'. */
export declare function slotsText(l: LlamaView): string | null;
/**
 * 'generated 41.8 tok/s, prompt 8.5 tok/s; tokens so far: 3 prompt, 16
 * generated'. The rates are llama-server's averages over the interval since
 * Vigil's previous /metrics read, so a kind with no work in that interval
 * reads 0: it is left out, and with neither the server is 'idle'.
 */
export declare function throughputText(l: LlamaView): string | null;
/** 'ok 12s ago: generated 1 token in 14 ms'. */
export declare function probeText(p: LlamaGenerationProbe | null, now: number): {
    tone: 'ok' | 'bad' | 'idle';
    text: string;
} | null;
/** The reason the log gave for the last exit (the process the card's last exit is about), if it gave one. */
export declare function lastExitReason(b: Pick<BackendView, 'lastExit'>, l: LlamaView): LlamaDeathReason | null;
