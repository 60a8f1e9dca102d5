import type { CommandResult, PredictFitRequest, Unsubscribe, VigilService } from '../common/api.js';
import type { FitPrediction } from '../common/fit.js';
import type { History, VigilState } from '../common/state.js';
import type { EventJournal } from './journal/event-journal.js';
import type { WatchFeed } from './feeds/watch-feed.js';
import type { BackendLogs } from './logs/backend-logs.js';
/** The commands a backend's supervisor answers. */
export interface CommandTarget {
    /** `anyway`: once, despite a refusing pre-start check (the fit policy `refuse`). */
    start(opts?: {
        anyway?: boolean;
    }): Promise<CommandResult>;
    stop(): Promise<CommandResult>;
    restart(): Promise<CommandResult>;
    reap(): Promise<CommandResult>;
}
export interface ServiceDeps {
    state: {
        get(): VigilState;
        subscribe(cb: (s: VigilState) => void): Unsubscribe;
    };
    backend(id: string): CommandTarget | undefined;
    journal: Pick<EventJournal, 'query'>;
    logs: Pick<BackendLogs, 'get'>;
    history(req: Parameters<VigilService['getHistory']>[0]): History;
    /** Appends one backend to the config file and applies it. */
    addBackend(id: string, config: Record<string, unknown>): Promise<CommandResult>;
    openConfig(): Promise<CommandResult>;
    /** The fit prediction for a command as typed (the add-backend form). */
    predictFit(req: PredictFitRequest): Promise<FitPrediction>;
    shutdown(onProgress?: (msg: string) => void): Promise<void>;
    /** The actions on servers Vigil did not start (feeds/watch-feed.ts). */
    watched: Pick<WatchFeed, 'stop' | 'restartUnit' | 'adopt'>;
}
export declare function createService(deps: ServiceDeps): VigilService;
