import type { BackendFit } from '../../common/fit.js';
import type { LlamaView } from '../../common/llama.js';
import type { BackendView, MemoryBreakdown, ProcState } from '../../common/state.js';
import type { VigilStore } from '../store.js';
import type { SupervisedBackendConfig } from './types.js';
/** The view fields the supervisor decides (memory is the sampler's figure, fit the fit feed's, llama the llama feed's, all passed through). */
export type SupervisorState = Omit<BackendView, 'memory' | 'fit' | 'llama'>;
export declare class BackendRecord {
    private readonly store;
    private readonly s;
    private memory;
    private fit;
    private llama;
    constructor(cfg: SupervisedBackendConfig, store: VigilStore);
    /** The record now (read-only: change it through publish). */
    get state(): Readonly<SupervisorState>;
    /** Change the record and push the same patch to the store. */
    publish(patch: Partial<SupervisorState>): void;
    /** A /proc state, published only when its class changes (running ⇄ sleeping flips on every request a server answers). */
    publishProcState(ps: ProcState | null): void;
    /**
     * The process exited (gone, or a zombie left to reap): the patch and the
     * end of its memory figure in one update, so no snapshot shows a dead
     * process's memory (read `lastRss` before, for the exit record).
     */
    publishExit(patch: Partial<SupervisorState>): void;
    /** RSS of the process tree as last sampled, bytes; null when none is shown. */
    get lastRss(): number | null;
    setMemory(memory: MemoryBreakdown | null): void;
    setFit(fit: BackendFit | null): void;
    setLlama(llama: LlamaView | null): void;
    /** A copy of the whole view, memory, fit and llama included. */
    snapshot(): BackendView;
}
