import type { KernelLogStatus, OomKill, VigilEvent } from '../../common/state.js';
import type { Logger } from '../diagnostics.js';
import { type AttributionInputs } from '../oom/attribute.js';
import { type KernelLogSourceChoice } from '../oom/kernel-log-watcher.js';
import type { EventDraft } from '../supervisor/types.js';
export interface OomFeedDeps {
    stateDir: string;
    /** null: no /dev/kmsg. */
    kmsgPath?: string | null;
    /** null: no journal. */
    journalctl?: string | null;
    sources: KernelLogSourceChoice[];
    attribution: AttributionInputs;
    publish: {
        kill(k: OomKill): void;
        status(s: KernelLogStatus): void;
    };
    /** Tell the backend's supervisor; false when no supervisor of that id runs (removed since). */
    markOomKilled(backend: string, kill: OomKill): boolean;
    /** Offer a kill of no backend to the watched servers; true when one took it (and told of it). */
    watched?(kill: OomKill): boolean;
    emit(d: EventDraft): VigilEvent;
    logger: Logger;
}
/** The event line for a kill no supervisor of this Vigil tells about. */
export declare function describeKill(k: OomKill, memoryNodes: number): string;
/** Starts reading the kernel log; returns stop. A source that cannot start is a status and a diagnostic, never a throw. */
export declare function startOomFeed(deps: OomFeedDeps): Promise<() => void>;
