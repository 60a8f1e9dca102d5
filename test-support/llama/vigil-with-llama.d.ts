import type { BackendView, VigilEvent } from '../../electron/common/state.js';
import { type CreateVigilOptions, type VigilCore } from '../../electron/core/vigil.js';
export interface RunningVigil {
    core: VigilCore;
    dir: string;
    /** The one backend's view (or the named one's). */
    view(id?: string): BackendView;
    /** Waits until the backend's view satisfies `cond`; the error shows the last view and the journal's transitions. */
    until(cond: (b: BackendView) => boolean, timeoutMs: number, id?: string): Promise<void>;
    /** The backend's events from the journal, oldest first. */
    events(id?: string): Promise<VigilEvent[]>;
    close(): Promise<void>;
}
/**
 * Starts a core supervising `backends` (each as written in the config file;
 * `config` adds other top-level keys, e.g. `sampling`).
 * No kernel-log sources unless `opts` asks for them, so tests do not read
 * the machine's kernel log by accident.
 */
export declare function startVigil(backends: Record<string, Record<string, unknown>>, opts?: CreateVigilOptions, config?: Record<string, unknown>): Promise<RunningVigil>;
/** For afterEach: shut down every core started since (its backends are stopped) and remove their dirs. */
export declare function cleanupVigils(): Promise<void>;
