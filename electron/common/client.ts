// The one client of the API: `window.vigil` built over a transport. The
// Electron preload gives it IPC (ipcRenderer.invoke/on), the headless
// dashboard a WebSocket (renderer/bridge/ws-bridge.ts); everything else is
// here once: one method per request name taking the same request object as
// VigilService, the versioned state (a snapshot, then deltas; a gap asks for a
// snapshot instead of drifting), and log subscriptions counted per backend so
// the host is asked once however many views follow a log.
// Imports no zod: the sandboxed preload bundles it.
import type { ConnectionStatus, LogChunk, Unsubscribe, VigilApi, VigilRequestMethods } from './api.js';
import { REQUEST_NAMES, type RequestName } from './request-names.js';
import { applyDelta, DeltaError, isSnapshot, type StateMessage } from './state-delta.js';
import type { VigilState } from './state.js';

/** What a transport carries; the client adds the rest. */
export interface ClientTransport {
  request(name: RequestName, payload: unknown): Promise<unknown>;
  /** Called once by the client: every state message, log chunk and focus the host pushes. */
  listen(handlers: { state(m: StateMessage): void; log(chunk: LogChunk): void; focus(backendId: string): void }): void;
  /** Asks the host for a state snapshot. */
  resync(): void;
  subscribeLogs(backendId: string): void;
  unsubscribeLogs(backendId: string): void;
  onConnection(cb: (s: ConnectionStatus) => void): Unsubscribe;
}

export interface ClientOptions {
  /** A state message that does not follow (a missed delta, a delta that does not fit): told before the snapshot is asked for. */
  onGap?: (why: string) => void;
}

export function createVigilClient(transport: ClientTransport, opts: ClientOptions = {}): VigilApi {
  let state: VigilState | null = null;
  let version: number | null = null;
  /** A snapshot has been asked for and not yet received: deltas until then are dropped. */
  let resyncing = false;
  const stateListeners = new Set<(s: VigilState) => void>();
  const focusListeners = new Set<(id: string) => void>();
  const logListeners = new Map<string, Set<(c: LogChunk) => void>>();

  /** `why` null: the first snapshot, no gap. */
  const resync = (why: string | null): void => {
    version = null;
    if (resyncing) return;
    resyncing = true;
    if (why !== null) opts.onGap?.(why);
    transport.resync();
  };
  const publish = (s: VigilState): void => {
    state = s;
    for (const cb of stateListeners) cb(s);
  };

  transport.listen({
    state(m) {
      if (isSnapshot(m)) {
        resyncing = false;
        version = m.version;
        publish(m.state);
        return;
      }
      if (resyncing) return;
      if (state === null || version === null || m.from !== version) {
        resync(`a delta from version ${m.from} while holding ${version ?? 'none'}`);
        return;
      }
      try {
        const next = applyDelta(state, m.delta);
        version = m.version;
        publish(next);
      } catch (e) {
        if (!(e instanceof DeltaError)) throw e;
        resync(`a delta that does not fit: ${e.message}`);
      }
    },
    log(chunk) {
      for (const cb of logListeners.get(chunk.id) ?? []) cb(chunk);
    },
    focus(id) {
      for (const cb of focusListeners) cb(id);
    },
  });
  transport.onConnection((s) => {
    // A new connection starts with a snapshot; log tails live per connection on the host.
    if (s !== 'connected') {
      version = null;
      resyncing = false;
      return;
    }
    for (const id of logListeners.keys()) transport.subscribeLogs(id);
  });

  const requests = Object.fromEntries(REQUEST_NAMES.map((name) => [name, (req?: unknown) => transport.request(name, req)])) as unknown as VigilRequestMethods;

  return {
    ...requests,
    onState(cb) {
      stateListeners.add(cb);
      if (state !== null) cb(state);
      else if (version === null) resync(null);
      return () => void stateListeners.delete(cb);
    },
    onFocus(cb) {
      focusListeners.add(cb);
      return () => void focusListeners.delete(cb);
    },
    onConnection: (cb) => transport.onConnection(cb),
    onLog(id, cb) {
      let set = logListeners.get(id);
      if (!set) {
        set = new Set();
        logListeners.set(id, set);
        transport.subscribeLogs(id);
      }
      set.add(cb);
      return () => {
        const s = logListeners.get(id);
        if (!s?.delete(cb) || s.size > 0) return;
        logListeners.delete(id);
        transport.unsubscribeLogs(id);
      };
    },
  };
}
