import type { VigilService } from '../common/api.js';
import type { VigilState } from '../common/state.js';
/** At most 20 state pushes a second: the UI cannot show more, and JSON of 50 backends is not free. */
export declare const STATE_PUSH_INTERVAL_MS = 50;
export interface StatePush {
    /** Unsubscribes from the service and drops a pending push. */
    dispose(): void;
}
/** Calls `send` with the service's state whenever it changes, at most every `intervalMs`. */
export declare function pushState(service: VigilService, send: (state: VigilState) => void, intervalMs?: number): StatePush;
