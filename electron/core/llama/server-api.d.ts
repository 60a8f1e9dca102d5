import type { LlamaEndpoints } from '../../common/llama.js';
import { type LlamaMetricsReading } from './metrics.js';
export interface LlamaApiTarget {
    port: number;
    host?: string;
    /** Per request; default 2000 ms. */
    timeoutMs?: number;
    apiKey?: string | null;
}
export interface LlamaProps {
    contextSize: number | null;
    totalSlots: number | null;
    modelPath: string | null;
    /** 'b1-80fb11a'. */
    build: string | null;
    sleeping: boolean | null;
}
export interface LlamaSlotsReading {
    total: number;
    busy: number;
    contextPerSlot: number | null;
}
export type Reading<T> = {
    ok: true;
    value: T;
    latencyMs: number;
}
/** `absent`: the endpoint is not offered (remembered). Otherwise a failure this time (timeout, 503 while loading, bad body). */
 | {
    ok: false;
    absent: boolean;
    detail: string;
};
type Endpoint = keyof LlamaEndpoints;
export declare class LlamaServerApi {
    private target;
    private state;
    private agent;
    constructor(target: LlamaApiTarget);
    /** Closes the kept connection; the reader may be used again (it opens a new one). */
    close(): void;
    get endpoints(): LlamaEndpoints;
    /** A new process on (maybe) another port: forget what was learnt about the old one. */
    retarget(target: LlamaApiTarget): void;
    available(e: Endpoint): boolean;
    props(): Promise<Reading<LlamaProps>>;
    /** `timeoutMs` overrides the target's for this read. */
    slots(timeoutMs?: number): Promise<Reading<LlamaSlotsReading>>;
    metrics(timeoutMs?: number): Promise<Reading<LlamaMetricsReading>>;
    private read;
}
export {};
