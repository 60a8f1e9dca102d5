// State snapshots from the service to one host's clients: throttled, the
// latest always delivered. Both hosts (Electron IPC, the WebSocket bridge)
// push through this, so they push at the same pace.
import type { VigilService } from '../common/api.js';
import type { VigilState } from '../common/state.js';
import { throttleLatest } from './throttle.js';

/** At most 20 state pushes a second: the UI cannot show more, and JSON of 50 backends is not free. */
export const STATE_PUSH_INTERVAL_MS = 50;

export interface StatePush {
  /** Unsubscribes from the service and drops a pending push. */
  dispose(): void;
}

/** Calls `send` with the service's state whenever it changes, at most every `intervalMs`. */
export function pushState(service: VigilService, send: (state: VigilState) => void, intervalMs = STATE_PUSH_INTERVAL_MS): StatePush {
  const throttle = throttleLatest<VigilState>(intervalMs, send);
  const unsubscribe = service.subscribe((s) => throttle.push(s));
  return {
    dispose() {
      unsubscribe();
      throttle.cancel();
    },
  };
}
