// Health of a server Vigil did not start, from its own API. The frequent
// probe only asks whether the server answers (the supervisor's raw-socket
// probe, a kept-alive connection per server); which models it serves is read
// far less often, from the JSON its API lists them in.
import { request } from 'node:http';
import { ProbeConnection, type HealthResult } from '../health/http-probe.js';
import type { WatchListen } from '../../common/watch.js';

export interface ProbeVerdict {
  /** The server answered (any HTTP status below 500, or 503 while it loads). */
  ok: boolean;
  detail: string;
}

/** What an HTTP answer means for a server we only watch: anything below 500 proves it serves; 503 is llama.cpp's "loading". */
export function verdictOf(r: HealthResult, path: string, port: number): ProbeVerdict {
  if (r.status !== null) {
    if (r.status === 503) return { ok: true, detail: `loading (HTTP 503 ${path})` };
    if (r.status < 500) return { ok: true, detail: `HTTP ${r.status} ${path}` };
    return { ok: false, detail: `HTTP ${r.status} ${path}` };
  }
  if (r.outcome === 'refused') return { ok: false, detail: `connection refused on port ${port}` };
  return { ok: false, detail: `${r.detail} (${path} on port ${port})` };
}

/** The address to connect to for a listening socket: its own, or loopback for a wildcard bind. */
export function connectHost(l: WatchListen): string {
  if (l.host === '0.0.0.0') return '127.0.0.1';
  if (l.host === '::') return '::1';
  if (l.host.startsWith('::ffff:')) return l.host.slice(7);
  return l.host;
}

/**
 * The socket to probe: the port the command line names, else the program's
 * default port, else the lowest; IPv4 before IPv6 for the same port.
 */
export function pickListen(listen: readonly WatchListen[], preferred: readonly (number | null)[]): WatchListen | null {
  if (listen.length === 0) return null;
  const byPort = (p: number): WatchListen | undefined => listen.filter((l) => l.port === p).sort((a, b) => Number(a.host.includes(':')) - Number(b.host.includes(':')))[0];
  for (const p of preferred) if (p !== null) {
    const l = byPort(p);
    if (l) return l;
  }
  return byPort(Math.min(...listen.map((l) => l.port)))!;
}

/** One watched server's probe channel (kept alive between probes). */
export class WatchProbe {
  private readonly conn = new ProbeConnection();

  async probe(l: WatchListen, path: string, timeoutMs: number): Promise<ProbeVerdict> {
    const r = await this.conn.probe({ host: connectHost(l), port: l.port, path, timeoutMs });
    return verdictOf(r, path, l.port);
  }

  close(): void {
    this.conn.destroy();
  }
}

const MAX_BODY = 256 * 1024;

/** GET a JSON document; null on any failure (models are a nicety, never an alarm). */
export function getJson(l: WatchListen, path: string, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve) => {
    const req = request({ host: connectHost(l), port: l.port, path, method: 'GET', timeout: timeoutMs, agent: false, headers: { accept: 'application/json' } }, (res) => {
      if ((res.statusCode ?? 500) >= 400) {
        res.resume();
        resolve(null);
        return;
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
        if (body.length > MAX_BODY) req.destroy();
      });
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch {
          resolve(null);
        }
      });
      res.on('error', () => resolve(null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end();
  });
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const field = (o: unknown, k: string): unknown => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined);

/**
 * Model names from the JSON the servers list them in: OpenAI `/v1/models`
 * (`data[].id`; LM Studio's `/api/v0/models` adds `state`, and only loaded
 * ones count), Ollama `/api/ps` (`models[].name`), llama-swap `/running`
 * (`running[].model`), lemonade's health (`model_loaded`), KoboldCpp
 * `/api/v1/model` (`result`).
 */
export function modelsFrom(body: unknown): string[] {
  const out: string[] = [];
  for (const d of list(field(body, 'data'))) {
    const state = field(d, 'state');
    if (state !== undefined && state !== 'loaded') continue;
    const id = str(field(d, 'id'));
    if (id) out.push(id);
  }
  for (const m of list(field(body, 'models'))) {
    const n = str(field(m, 'name')) ?? str(field(m, 'model'));
    if (n) out.push(n);
  }
  for (const r of list(field(body, 'running'))) {
    const n = str(field(r, 'model'));
    if (n) out.push(n);
  }
  const loaded = str(field(body, 'model_loaded'));
  if (loaded) out.push(loaded);
  const result = str(field(body, 'result'));
  if (result && result !== 'ReadOnly') out.push(result.replace(/^koboldcpp\//, ''));
  return [...new Set(out)];
}
