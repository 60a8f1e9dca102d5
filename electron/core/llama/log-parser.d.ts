import type { LlamaView } from '../../common/llama.js';
/** What the log says: the view's log-derived fields, plus the slot split the API reports later. */
export type LlamaLogFacts = Pick<LlamaView, 'phase' | 'loadProgress' | 'listenUrl' | 'build' | 'logVerbosity' | 'model' | 'contextSize' | 'kvCaches' | 'offload' | 'memory'> & {
    contextPerSlot: number | null;
    slots: number | null;
};
export declare class LlamaLogParser {
    private partial;
    private f;
    private ledger;
    private gpuFamily;
    private dirtyMemory;
    constructor();
    /** Forget everything: a new process starts writing (the caller feeds from its start offset). */
    reset(): void;
    /** Text as it arrives; returns whether a line the parser reads was among it. */
    feed(chunk: string): boolean;
    /** The writer is gone: its unfinished last line is as complete as it will get. */
    flush(): boolean;
    /** One complete line; returns whether it was one the parser reads (so a fact may have changed). */
    line(raw: string): boolean;
    facts(): LlamaLogFacts;
    private advance;
    private progress;
    private buffer;
    private apply;
    private device;
    private milestone;
}
