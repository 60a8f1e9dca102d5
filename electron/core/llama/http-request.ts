// One HTTP request to a local server with a hard deadline and a size cap,
// on a connection of its own that is closed afterwards (agent: false): the
// llama-specific reads run at the probe's pace, seconds apart, so a kept
// connection would save little and could outlive the process it talks to.
import { request } from 'node:http';

export interface HttpTarget {
  host?: string;
  port: number;
  path: string;
  method?: 'GET' | 'POST';
  /** JSON body for POST. */
  body?: unknown;
  timeoutMs: number;
  /** Bearer token for servers started with --api-key. */
  apiKey?: string | null;
  /** Responses larger than this fail (a /props with a long chat template is tens of KiB). */
  maxBytes?: number;
}

export interface HttpResponse {
  status: number;
  body: string;
  latencyMs: number;
}

/** Resolves with any HTTP status; rejects with a short reason ('timeout after 2000 ms', 'ECONNREFUSED'). */
export function httpRequest(t: HttpTarget): Promise<HttpResponse> {
  const started = performance.now();
  const maxBytes = t.maxBytes ?? 4 * 1024 * 1024;
  const payload = t.body === undefined ? null : Buffer.from(JSON.stringify(t.body));
  const headers: Record<string, string> = { Accept: 'application/json, text/plain', Connection: 'close', 'User-Agent': 'vigil' };
  if (payload) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(payload.length);
  }
  if (t.apiKey) headers.Authorization = `Bearer ${t.apiKey}`;
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err: Error | null, res?: HttpResponse): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        req.destroy();
        reject(err);
      } else resolve(res!);
    };
    const req = request({ host: t.host ?? '127.0.0.1', port: t.port, path: t.path, method: t.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) finish(new Error(`response larger than ${maxBytes} bytes`));
        else chunks.push(c);
      });
      res.on('end', () => finish(null, { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), latencyMs: Math.round((performance.now() - started) * 10) / 10 }));
      res.on('error', (e: NodeJS.ErrnoException) => finish(new Error(e.code ?? e.message)));
    });
    const timer = setTimeout(() => finish(new Error(`timeout after ${t.timeoutMs} ms`)), t.timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => finish(new Error(e.code ?? e.message)));
    req.end(payload ?? undefined);
  });
}
