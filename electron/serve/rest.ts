// REST over the same validated dispatch as the WebSocket bridge. Query
// strings are turned into the request objects the zod schemas expect, so a
// bad value is reported with the same field name either way.
import type { IncomingMessage } from 'node:http';
import type { RequestName, VigilService } from '../common/api.js';
import { dispatch } from '../host/dispatch.js';

export interface RestResult {
  status: number;
  body: unknown;
}

const COMMANDS = new Set(['start', 'stop', 'restart', 'reap']);

/** '12' → 12, anything else stays a string (and fails validation by name). */
function num(v: string): number | string {
  return v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v;
}

/** Query params → object, numbers where the schema wants numbers; absent params are left out. */
function query(url: URL, fields: Record<string, 'string' | 'number'>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of url.searchParams) {
    const kind = fields[k];
    // Unknown params go through too, so the strict schema names them instead of silently ignoring a typo.
    out[k] = kind === 'number' ? num(v) : v;
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
  }
  if (parts.length === 4 && parts[1] === 'backends') {
    const id = parts[2];
    const action = parts[3] ?? '';
    if (method === 'POST' && COMMANDS.has(action)) {
      const r = await call(action as RequestName, { id });
      return { status: 200, body: r.body };
    }
    if (method === 'GET' && action === 'logs') return call('getLogs', { id, ...query(url, { lines: 'number' }) });
  }
  return null;
}
