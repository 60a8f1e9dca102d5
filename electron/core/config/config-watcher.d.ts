import type { VigilConfig } from '../../common/config-schema.js';
import type { ConfigStatus } from '../../common/state.js';
import { type Logger } from '../diagnostics.js';
import { type ConfigLoadResult } from './load-config.js';
export interface ConfigChange {
    /** The config in force (the last good one when `result` failed). */
    config: VigilConfig | null;
    result: ConfigLoadResult;
    status: ConfigStatus;
}
export declare class ConfigWatcher {
    readonly file: string;
    private watcher;
    private stopBackstop;
    /** The file's identity when it was last read. */
    private seen;
    private timer;
    private listeners;
    private lastGood;
    private loading;
    private again;
    private state;
    private readonly debounceMs;
    private readonly logger;
    constructor(file: string, opts?: {
        debounceMs?: number;
        logger?: Logger;
    });
    get config(): VigilConfig | null;
    get status(): ConfigStatus;
    /** Loads once (creating the example when absent) and starts watching. */
    start(): Promise<ConfigChange>;
    onChange(cb: (c: ConfigChange) => void): () => void;
    /** Reloads now; concurrent calls coalesce into one more load after the current. */
    reload(opts?: {
        create?: boolean;
    }): Promise<ConfigChange>;
    stop(): void;
}
