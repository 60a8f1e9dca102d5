// One HTTP health probe (llama-server's /health semantics): 200 → ready,
// 503 → loading, connection refused → still starting, anything else
// (timeout, reset, other status) → a failure that counts toward unhealthy.
import { request } from 'node:http';

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
}

/** GET http://host:port/path once; never rejects. No agent: no pooled sockets to a dying server. */
export function probeHealth(t: ProbeTarget): Promise<HealthResult> {
  const started = performance.now();
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
      agent: false,
      headers: { connection: 'close' },
    });
    // Our own timer covers connect + headers + body; socket timeouts only cover idleness.
    const timer = setTimeout(() => {
      done('failure', null, `timeout after ${t.timeoutMs} ms`);
      req.destroy();
    }, t.timeoutMs);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      res.resume(); // drain so the socket closes
      res.on('error', () => {});
      if (status === 200) done('ready', status, 'HTTP 200');
      else if (status === 503) done('loading', status, 'HTTP 503');
      else done('failure', status, `HTTP ${status}`);
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNREFUSED') done('refused', null, 'connection refused');
      else done('failure', null, e.code ?? e.message);
    });
    req.end();
  });
}
