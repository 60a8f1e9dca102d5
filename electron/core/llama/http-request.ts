// One HTTP request to a local server with a hard deadline and a size cap.
// Reads that repeat at the probe's pace pass a keep-alive Agent of one
// socket (a new connection per request costs about twice the CPU: measured
// 440 µs against 210 µs per /slots read here); rare ones go on a connection
// of their own (agent: false). A kept socket the server closed just as it
// was reused fails with ECONNRESET before any byte: that request is retried
// once on a fresh connection.
import { request, type Agent } from 'node:http';

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
  /** A keep-alive agent to reuse connections; default: a connection of its own, closed after. */
  agent?: Agent | false;
}

export interface HttpResponse {
  status: number;
  body: string;
  latencyMs: number;
}

const STALE = new Set(['ECONNRESET', 'EPIPE']);

/** Resolves with any HTTP status; rejects with a short reason ('timeout after 2000 ms', 'ECONNREFUSED'). */
export function httpRequest(t: HttpTarget): Promise<HttpResponse> {
  return send(t, performance.now(), true);
}

function send(t: HttpTarget, started: number, mayRetry: boolean): Promise<HttpResponse> {
  const maxBytes = t.maxBytes ?? 4 * 1024 * 1024;
  const payload = t.body === undefined ? null : Buffer.from(JSON.stringify(t.body));
  const agent = t.agent ?? false;
  const headers: Record<string, string> = { Accept: 'application/json, text/plain', 'User-Agent': 'vigil' };
  if (!agent) headers.Connection = 'close';
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
    let answered = false;
    const req = request({ host: t.host ?? '127.0.0.1', port: t.port, path: t.path, method: t.method ?? 'GET', headers, agent }, (res) => {
      answered = true;
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
    const timer = setTimeout(() => finish(new Error(`timeout after ${t.timeoutMs} ms`)), Math.max(1, t.timeoutMs - (performance.now() - started)));
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (!done && mayRetry && req.reusedSocket && !answered && STALE.has(e.code ?? '')) {
        done = true;
        clearTimeout(timer);
        send(t, started, false).then(resolve, reject);
        return;
      }
      finish(new Error(e.code ?? e.message));
    });
    req.end(payload ?? undefined);
  });
}
