// The live-log subscriptions of one client (a window, a WebSocket): ids
// arrive from the page, so they are validated here; one service subscription
// per backend however often the client asks; all dropped when it goes away.
import { BackendId, type LogChunk, type Unsubscribe, type VigilService } from '../common/api.js';

export interface LogSubscriptions {
  /** Starts forwarding the logs of `id`; ignores an invalid id or one already followed. */
  subscribe(id: unknown): void;
  unsubscribe(id: unknown): void;
  /** Drops every subscription of this client. */
  dispose(): void;
}

export function logSubscriptions(service: VigilService, send: (chunk: LogChunk) => void): LogSubscriptions {
  const subs = new Map<string, Unsubscribe>();
  return {
    subscribe(id) {
      const parsed = BackendId.safeParse(id);
      if (!parsed.success || subs.has(parsed.data)) return;
      subs.set(parsed.data, service.subscribeLogs(parsed.data, send));
    },
    unsubscribe(id) {
      if (typeof id !== 'string') return;
      subs.get(id)?.();
      subs.delete(id);
    },
    dispose() {
      for (const u of subs.values()) u();
      subs.clear();
    },
  };
}
