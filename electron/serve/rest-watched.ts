// REST for the servers Vigil did not start: `GET /api/watched` lists them;
// `POST /api/watched/:id/stop|restart|adopt` runs the action. 404 when no
// such server is watched, 409 with the reason when `watchActions` (the rule
// the dashboard and the tray follow) does not offer the action for it now,
// else 200 with what happened (`ok: false` when the attempt itself failed,
// e.g. systemctl's refusal in its own words).
import type { CommandResult, RequestName, VigilService } from '../common/api.js';
import { watchActions, type WatchActionName } from '../common/watch.js';
import { dispatch, validateRequest } from '../host/dispatch.js';

export interface WatchedRestResult {
  status: number;
  body: unknown;
}

const METHOD: Record<WatchActionName, RequestName> = { stop: 'stopWatched', restart: 'restartWatchedUnit', adopt: 'adoptWatched' };
const isAction = (a: string): a is WatchActionName => Object.hasOwn(METHOD, a);

/** Handles /api/watched…; null when no route matches. Throws RequestError for a malformed id. */
export async function handleWatchedRest(service: VigilService, method: string, parts: readonly string[]): Promise<WatchedRestResult | null> {
  if (parts[1] !== 'watched') return null;
  if (parts.length === 2 && method === 'GET') return { status: 200, body: service.getState().watched };
  if (parts.length !== 4 || method !== 'POST' || !isAction(parts[3] ?? '')) return null;
  const id = parts[2]!;
  const name = METHOD[parts[3] as WatchActionName];
  validateRequest(name, { id });
  const state = service.getState();
  const server = state.watched.find((w) => w.id === id);
  if (!server) return { status: 404, body: { ok: false, message: `no watched server '${id}'` } satisfies CommandResult };
  const action = watchActions(server, { uid: state.uid }).find((a) => a.action === parts[3])!;
  if (!action.available) return { status: 409, body: { ok: false, message: action.why } satisfies CommandResult };
  return { status: 200, body: await dispatch(service, name, { id }) };
}
