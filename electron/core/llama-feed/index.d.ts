import type { LlamaView } from '../../common/llama.js';
import type { ExitExplainer, TickWorkFactory } from '../supervisor/seams.js';
import type { SupervisedBackendConfig } from '../supervisor/types.js';
import type { TailedLog } from './log-follower.js';
export { apiKeyOf, isLlamaBackend } from './llama-backend.js';
export interface LlamaSeamDeps {
    /** The tailer of a backend's log. */
    log(id: string): TailedLog;
    /** Into the backend's state; null for a backend that is not (or no longer) a llama-server. */
    publish(id: string, view: LlamaView | null): void;
    /** The backend's config now, if it is still configured. */
    config(id: string): SupervisedBackendConfig | undefined;
}
export interface LlamaSeams {
    tickWork: TickWorkFactory;
    explainer: ExitExplainer;
}
export declare function llamaSeams(deps: LlamaSeamDeps): LlamaSeams;
