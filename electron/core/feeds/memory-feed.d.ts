import type { HistoryRequest } from '../../common/api.js';
import type { History, MemoryBreakdown } from '../../common/state.js';
import type { Logger } from '../diagnostics.js';
import { type MemorySample } from '../memory/index.js';
import type { VigilStore } from '../store.js';
export interface SampledBackend {
    id: string;
    /** The leader whose tree is sampled; null when nothing runs. */
    pid: number | null;
    /** What the state shows now. */
    memory: MemoryBreakdown | null;
    setMemory(memory: MemoryBreakdown | null): void;
}
export interface MemoryFeedDeps {
    sampler: {
        procRoot?: string;
        sysRoot?: string;
        intervalMs: number;
        nvidiaSmi?: string | null;
    };
    backends(): SampledBackend[];
    store: Pick<VigilStore, 'batch' | 'get' | 'setSystemMemory'>;
    /** Each sample after it is published (same snapshot): alerts, pid and consumer records. */
    onSample(sample: MemorySample, time: number): void;
    logger: Logger;
}
export interface MemoryFeed {
    history(req: HistoryRequest): History;
    stop(): void;
}
export declare function startMemoryFeed(deps: MemoryFeedDeps): MemoryFeed;
