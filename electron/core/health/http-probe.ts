// One HTTP health probe (llama-server's /health semantics): 200 → ready,
// 503 → loading, connection refused → still starting, anything else
// (timeout, reset, other status) → a failure that counts toward unhealthy.
// A prober per process keeps one connection open between probes: a fresh TCP
// connect + close per probe was most of an idle supervisor's CPU.
import { Agent, request } from 'node:http';

export type HealthOutcome = 'ready' | 'loading' | 'refused' | 'failure';

export interface HealthResult {
  outcome: HealthOutcome;
  /** HTTP status when one arrived. */
  status: number | null;
  /** Wall time of the probe, ms. */
  latencyMs: number;
  /** What went wrong, for reasons/logs ('timeout after 2000 ms', 'HTTP 500', 'ECONNRESET'). */
  detail: string;
}

export interface ProbeTarget {
  port: number;
  path: string;
  timeoutMs: number;
  host?: string;
  /** Keep-alive agent from createProbeAgent(); without one each probe opens and closes a connection. */
  agent?: Agent;
}

/**
 * One keep-alive connection to one backend process. Destroy it when the
 * process exits or restarts, so no pooled socket outlives its server.
 */
export function createProbeAgent(): Agent {
  // The server closes an idle connection on its own schedule (node: 5 s,
  // llama-server: its --timeout); the agent then drops it and reconnects.
  return new Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1, scheduling: 'lifo' });
}

// The server may close a pooled connection just as we reuse it: then one
// retry on a new connection tells the truth, the error does not.
const STALE_SOCKET = new Set(['ECONNRESET', 'EPIPE']);

/** GET http://host:port/path once; never rejects. */
export function probeHealth(t: ProbeTarget): Promise<HealthResult> {
  const started = performance.now();
  return attempt(t, started, t.agent !== undefined);
}

function attempt(t: ProbeTarget, started: number, mayRetry: boolean): Promise<HealthResult> {
  const elapsed = (): number => Math.round((performance.now() - started) * 10) / 10;
  return new Promise((resolve) => {
    let settled = false;
    const done = (outcome: HealthOutcome, status: number | null, detail: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ outcome, status, latencyMs: elapsed(), detail });
    };
    const req = request({
      host: t.host ?? '127.0.0.1',
      port: t.port,
      path: t.path,
      method: 'GET',
      ...(t.agent ? { agent: t.agent } : { agent: false, headers: { connection: 'close' } }),
    });
    // Our own timer covers connect + headers + body; socket timeouts only cover idleness.
    const remaining = Math.max(0, t.timeoutMs - (performance.now() - started));
    const timer = setTimeout(() => {
      done('failure', null, `timeout after ${t.timeoutMs} ms`);
      req.destroy();
    }, remaining);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      res.resume(); // drain so the socket is freed (kept alive) or closed
      res.on('error', () => {});
      if (status === 200) done('ready', status, 'HTTP 200');
      else if (status === 503) done('loading', status, 'HTTP 503');
      else done('failure', status, `HTTP ${status}`);
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (!settled && mayRetry && req.reusedSocket && STALE_SOCKET.has(e.code ?? '')) {
        settled = true;
        clearTimeout(timer);
        resolve(attempt(t, started, false));
        return;
      }
      if (e.code === 'ECONNREFUSED') done('refused', null, 'connection refused');
      else done('failure', null, e.code ?? e.message);
    });
    req.end();
  });
}
