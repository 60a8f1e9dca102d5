import type { GpuMemory } from '../../common/state.js';
export declare const NVIDIA_SMI_ARGS: string[];
/** Absolute path of an executable `name` on PATH, or null. */
export declare function findOnPath(name: string, pathEnv?: string): string | null;
/** Parse nvidia-smi CSV (MiB, no header, no units). Throws naming the line on bad input. */
export declare function parseNvidiaCsv(text: string, source?: string): GpuMemory[];
/**
 * Query nvidia-smi at `bin`. A missing binary (ENOENT) means no NVIDIA GPU: [].
 * Exit failure or timeout rejects with a one-line Error saying which.
 */
export declare function readNvidiaGpus(bin: string, timeoutMs?: number): Promise<GpuMemory[]>;
