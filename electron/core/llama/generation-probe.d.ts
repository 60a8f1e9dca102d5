import type { LlamaGenerationProbe } from '../../common/llama.js';
import type { LlamaServerApi } from './server-api.js';
export interface GenerationProbeOptions {
    port: number;
    host?: string;
    timeoutMs: number;
    apiKey?: string | null;
    /** Asked whether a slot is busy (and what it learnt about absent endpoints is kept). */
    api: LlamaServerApi;
    now?: () => number;
}
export declare function runGenerationProbe(o: GenerationProbeOptions): Promise<LlamaGenerationProbe>;
