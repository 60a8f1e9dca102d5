// REST over the same validated dispatch as the WebSocket bridge. Query
// strings are turned into the request objects the zod schemas expect, so a
// bad value is reported with the same field name either way. A command on a
// backend answers 404 when there is no such backend and 409 with the refusal
// when the command table (electron/common/commands.ts) does not accept it in
// the backend's state, the same rule the card and the tray follow; otherwise
// 200 with what the service did (`ok: false` when the attempt itself failed).
// A backend's fit (prediction, measurement, advice) is its state's `fit`,
// also at /api/backends/:id/fit; /api/fit predicts for a command as typed.
import type { IncomingMessage } from 'node:http';
import type { CommandResult, RequestName, VigilService } from '../common/api.js';
import { BACKEND_COMMANDS, commandRefusal, type BackendCommand } from '../common/commands.js';
import { dispatch, validateRequest } from '../host/dispatch.js';
import { handleWatchedRest } from './rest-watched.js';

export interface RestResult {
  status: number;
  body: unknown;
}

const isCommand = (action: string): action is BackendCommand => (BACKEND_COMMANDS as readonly string[]).includes(action);

/** '12' → 12, anything else stays a string (and fails validation by name). */
function num(v: string): number | string {
  return v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
}

/** 'true'/'1' → true, 'false'/'0' → false, anything else stays a string (and fails validation by name). */
function bool(v: string): boolean | string {
  return /^(true|1)$/i.test(v) ? true : /^(false|0)$/i.test(v) ? false : v;
}

/** Query params → object, numbers and booleans where the schema wants them; absent params are left out. */
function query(url: URL, fields: Record<string, 'string' | 'number' | 'boolean'>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of url.searchParams) {
    const kind = fields[k];
    // Unknown params go through too, so the strict schema names them instead of silently ignoring a typo.
    out[k] = kind === 'number' ? num(v) : kind === 'boolean' ? bool(v) : v;
  }
  return out;
}

/** Whether this route changes state (and so needs the same-origin check). */
export function isStateChanging(method: string | undefined): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

/** Handles /api/…; null when no route matches. Throws RequestError for bad input. */
export async function handleRest(service: VigilService, req: IncomingMessage, url: URL): Promise<RestResult | null> {
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent); // ['api', …]
  const method = req.method ?? 'GET';
  const call = async (name: RequestName, payload: unknown): Promise<RestResult> => ({ status: 200, body: await dispatch(service, name, payload) });

  if (parts.length === 2 && method === 'GET') {
    if (parts[1] === 'state') return call('getState', undefined);
    if (parts[1] === 'events') return call('getEvents', query(url, { backend: 'string', since: 'number', until: 'number', limit: 'number' }));
    if (parts[1] === 'history') {
      const q = query(url, { range: 'string', since: 'number' });
      const series = url.searchParams.getAll('series');
      if (series.length) q.series = series;
      return call('getHistory', q);
    }
    // What llama-server with this command would take here: ?cmd=llama-server&cmd=-m&cmd=/m.gguf[&memoryLimit=8G] (one argument per cmd).
    if (parts[1] === 'fit') {
      const q = query(url, { memoryLimit: 'string', cwd: 'string' });
      const cmd = url.searchParams.getAll('cmd');
      q.cmd = cmd.length === 1 ? cmd[0] : cmd;
      return call('predictFit', q);
    }
  }
  if (parts[1] === 'watched') return handleWatchedRest(service, method, parts);
  if (parts.length === 4 && parts[1] === 'backends') {
    const id = parts[2];
    const action = parts[3] ?? '';
    if (method === 'POST' && isCommand(action)) {
      validateRequest(action, { id });
      const b = service.getState().backends.find((x) => x.id === id);
      if (!b) return { status: 404, body: { ok: false, message: `unknown backend '${id}'` } satisfies CommandResult };
      const refusal = commandRefusal(action, b);
      if (refusal !== null) return { status: 409, body: { ok: false, message: refusal } satisfies CommandResult };
      // start?anyway=true: once, despite the fit policy `refuse`.
      return call(action, action === 'start' ? { id, ...query(url, { anyway: 'boolean' }) } : { id });
    }
    if (method === 'GET' && action === 'logs') return call('getLogs', { id, ...query(url, { lines: 'number' }) });
    if (method === 'GET' && action === 'fit') {
      const b = service.getState().backends.find((x) => x.id === id);
      if (!b) return { status: 404, body: { error: `unknown backend '${id}'` } };
      return { status: 200, body: b.fit };
    }
  }
  return null;
}
