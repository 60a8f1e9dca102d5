// State from the service to one host's clients, versioned: a client gets a
// snapshot when it connects (or asks after a gap), then only what changed
// (common/state-delta.ts), each delta naming the version it follows. Throttled,
// the latest always delivered; a change nobody can see (a snapshot's own
// time) is no message at all. Both hosts (Electron IPC, the WebSocket bridge)
// push through this, so they push the same messages at the same pace.
import type { VigilService } from '../common/api.js';
import { diffState, type StateMessage } from '../common/state-delta.js';
import type { VigilState } from '../common/state.js';
import { throttleLatest } from './throttle.js';

/** At most 20 state pushes a second: the UI cannot show more. */
export const STATE_PUSH_INTERVAL_MS = 50;

export interface StatePush {
  /** The state as last pushed, with its version: what a client that connects or asks after a gap is sent. */
  snapshot(): StateMessage;
  /** Unsubscribes from the service and drops a pending push. */
  dispose(): void;
}

export interface PushOptions {
  intervalMs?: number;
  /** False while no client listens: changes then only move the baseline (nothing is diffed or sent). */
  active?: () => boolean;
}

/** Calls `send` with the delta of each change of the service's state, at most every `intervalMs`. */
export function pushState(service: VigilService, send: (m: StateMessage) => void, opts: PushOptions = {}): StatePush {
  const active = opts.active ?? (() => true);
  let last: VigilState = service.getState();
  let version = 1;
  const throttle = throttleLatest<VigilState>(opts.intervalMs ?? STATE_PUSH_INTERVAL_MS, (s) => {
    if (!active()) {
      last = s;
      version++;
      return;
    }
    const delta = diffState(last, s);
    if (!delta) return;
    last = s;
    version++;
    send({ version, from: version - 1, delta });
  });
  const unsubscribe = service.subscribe((s) => throttle.push(s));
  return {
    snapshot: () => ({ version, state: last }),
    dispose() {
      unsubscribe();
      throttle.cancel();
    },
  };
}
