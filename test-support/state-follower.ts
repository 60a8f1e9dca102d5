// A test's view of the state from raw state messages (snapshot, then deltas),
// for tests that read the wire rather than go through the client. A message
// that does not follow throws: on a socket nothing may be missed.
import { applyDelta, isSnapshot, type StateMessage } from '../electron/common/state-delta.js';
import type { VigilState } from '../electron/common/state.js';

export interface StateFollower {
  /** Applies the message and returns the state it leaves. */
  apply(m: StateMessage): VigilState;
  readonly state: VigilState | null;
}

export function stateFollower(): StateFollower {
  let state: VigilState | null = null;
  let version: number | null = null;
  return {
    apply(m) {
      if (isSnapshot(m)) state = m.state;
      else if (state === null || m.from !== version) throw new Error(`a delta from version ${m.from} while holding ${version ?? 'none'}`);
      else state = applyDelta(state, m.delta);
      version = m.version;
      return state;
    },
    get state() {
      return state;
    },
  };
}
