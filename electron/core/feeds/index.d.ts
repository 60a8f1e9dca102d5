import type { HistoryRequest } from '../../common/api.js';
import type { VigilConfig } from '../../common/config-schema.js';
import type { History, MemoryBreakdown, OomKill, VigilEvent } from '../../common/state.js';
import type { Logger } from '../diagnostics.js';
import type { PidHistory } from '../oom/pid-history.js';
import type { KernelLogSourceChoice } from '../oom/kernel-log-watcher.js';
import type { VigilStore } from '../store.js';
import type { EventDraft } from '../supervisor/types.js';
import { type WatchFeed } from './watch-feed.js';
import type { CommandResult } from '../../common/api.js';
import type { OwnedProcesses } from '../watch/index.js';
/** What the feeds see of one supervised backend. */
export interface WatchedBackend {
    readonly id: string;
    /** The leader, while one runs. */
    readonly pid: number | null;
    readonly memoryLimit: number | null;
    /** Bytes charged to its memory-limit cgroup; null without one. */
    cgroupUsage(): number | null;
    setMemory(memory: MemoryBreakdown | null): void;
    markOomKilled(kill: OomKill): boolean;
}
export interface FeedOptions {
    procRoot?: string;
    sysRoot?: string;
    nvidiaSmi?: string | null;
    kmsgPath?: string | null;
    journalctl?: string | null;
    kernelLogSources?: KernelLogSourceChoice[];
}
export interface FeedDeps {
    options: FeedOptions;
    stateDir: string;
    store: VigilStore;
    emit(d: EventDraft): VigilEvent;
    backends(): WatchedBackend[];
    backend(id: string): WatchedBackend | undefined;
    /** The config in force (its sampling interval, alert thresholds and kernel-log sources). */
    config(): VigilConfig | null;
    pidHistory: Pick<PidHistory, 'observeTrees' | 'ownerOf'>;
    logger: Logger;
    /** Vigil's own processes, which the watch feed never lists. */
    owned(): OwnedProcesses;
    /** Append a backend to the config file and apply it (the watch feed's adopt). */
    addBackend(id: string, config: Record<string, unknown>): Promise<CommandResult>;
}
export interface Feeds {
    /** Servers Vigil did not start, and the actions on them. */
    watch: WatchFeed;
    history(req: HistoryRequest): History;
    stop(): void;
}
/** Memory (NUMA) nodes online; 1 where sysfs does not say (no NUMA support means one node). */
export declare function memoryNodeCount(sysRoot?: string): number;
export declare function startFeeds(deps: FeedDeps): Promise<Feeds>;
