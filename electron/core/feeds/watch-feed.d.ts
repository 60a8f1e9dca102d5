import type { CommandResult } from '../../common/api.js';
import type { OomKill, VigilEvent } from '../../common/state.js';
import { type WatchEvent, type WatchedServer } from '../../common/watch.js';
import type { WatchConfig } from '../../common/watch-schema.js';
import type { Logger } from '../diagnostics.js';
import type { EventDraft } from '../supervisor/types.js';
import { type OwnedProcesses } from '../watch/index.js';
export interface WatchFeedDeps {
    /** The `watch:` section in force (undefined: the defaults). */
    config(): WatchConfig | undefined;
    /** Vigil's own processes this tick: its backends' pids and process groups, and Vigil itself as their parent. */
    owned(): OwnedProcesses;
    publish(watched: WatchedServer[]): void;
    emit(d: EventDraft): VigilEvent;
    /** Ids of the configured backends (an adopted server's id must be new). */
    backendIds(): string[];
    /** Append a backend to the config file and apply it (it starts: autostart). */
    addBackend(id: string, config: Record<string, unknown>): Promise<CommandResult>;
    procRoot?: string;
    logger: Logger;
    /** Tick period (default 1000 ms, the shared tick). */
    tickMs?: number;
}
export interface WatchFeed {
    /** An OOM kill from the kernel log: true when a watched server took it (its event is journalled then). */
    attributeKill(kill: OomKill): boolean;
    stop(id: string): Promise<CommandResult>;
    restartUnit(id: string): Promise<CommandResult>;
    adopt(id: string): Promise<CommandResult>;
    close(): void;
}
/** The journal's line for a watcher event. `requested`: the user asked Vigil to stop it. */
export declare function watchEventDraft(e: WatchEvent, requested: boolean): EventDraft;
export declare function startWatchFeed(deps: WatchFeedDeps): WatchFeed;
