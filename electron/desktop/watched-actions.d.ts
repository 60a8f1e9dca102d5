import type { VigilService } from '../common/api.js';
import type { WatchActionName } from '../common/watch.js';
export declare function runWatchedAction(service: VigilService, action: WatchActionName, id: string, confirm: string | null): Promise<void>;
