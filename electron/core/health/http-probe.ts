// One HTTP health probe (llama-server's /health semantics): 200 → ready,
// 503 → loading, connection refused → still starting, anything else
// (timeout, reset, other status) → a failure that counts toward unhealthy.
//
// Written on a plain socket rather than node:http: a probe needs one fixed
// request and the status line, and with 50 backends probed every 2 s the
// http client's per-request machinery was most of an idle Vigil's CPU
// (measured: 50 aligned probes / 2 s, http keep-alive agent 1.1 % of a
// core, this 0.35 %). A ProbeConnection per backend process keeps one
// connection open between probes; destroy it when the process goes.
import { connect, type Socket } from 'node:net';

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
  /** Keep-alive connection to reuse; without one each probe connects and closes. */
  conn?: ProbeConnection;
}

// A health answer is small; anything bigger is not one (and must not grow a buffer unbounded).
const MAX_RESPONSE = 64 * 1024;
// The server may close an idle kept-alive connection just as we reuse it:
// one retry on a fresh connection then tells the truth, the error does not.
const STALE = new Set(['ECONNRESET', 'EPIPE']);
const noop = (): void => {};

/** At most one idle keep-alive socket to one backend process. */
export class ProbeConnection {
  private idle: Socket | null = null;
  private key = '';
  private destroyed = false;

  /** The idle socket to host:port, if one is open (it is then in use until give() or destroy). */
  take(host: string, port: number): Socket | null {
    const s = this.idle;
    this.idle = null;
    if (!s) return null;
    s.removeListener('close', this.onIdleClose);
    s.removeListener('data', this.onIdleData);
    if (this.key !== `${host}:${port}` || s.destroyed || !s.writable) {
      s.destroy();
      return null;
    }
    s.ref();
    return s;
  }

  /** Park a socket whose last response was read completely. */
  give(s: Socket, host: string, port: number): void {
    if (this.destroyed || this.idle) return void s.destroy();
    this.idle = s;
    this.key = `${host}:${port}`;
    s.on('close', this.onIdleClose);
    // Bytes nobody asked for mean the stream is out of step: drop it.
    s.on('data', this.onIdleData);
    s.unref(); // an idle probe connection must not keep the process alive
  }

  destroy(): void {
    this.destroyed = true;
    this.idle?.destroy();
    this.idle = null;
  }

  private onIdleClose = (): void => {
    this.idle = null;
  };

  private onIdleData = (): void => {
    this.idle?.destroy();
    this.idle = null;
  };
}

/** GET http://host:port/path once; never rejects. */
export function probeHealth(t: ProbeTarget): Promise<HealthResult> {
  return attempt(t, performance.now(), true);
}

function attempt(t: ProbeTarget, started: number, mayRetry: boolean): Promise<HealthResult> {
  const host = t.host ?? '127.0.0.1';
  return new Promise((resolve) => {
    const reused = t.conn?.take(host, t.port) ?? null;
    let sock: Socket;
    if (reused) sock = reused;
    else {
      sock = connect({ port: t.port, host, noDelay: true });
      // Once per socket: errors after this probe settled (or while parked) only end it.
      sock.on('error', noop);
    }
    let buf = '';
    let settled = false;

    const cleanup = (): void => {
      clearTimeout(timer);
      sock.removeListener('data', onData);
      sock.removeListener('error', onError);
      sock.removeListener('close', onClose);
    };
    const done = (outcome: HealthOutcome, status: number | null, detail: string, keep = false): void => {
      if (settled) return;
      settled = true;
      cleanup();
      if (keep && t.conn) t.conn.give(sock, host, t.port);
      else sock.destroy();
      resolve({ outcome, status, latencyMs: Math.round((performance.now() - started) * 10) / 10, detail });
    };
    const retry = (): void => {
      settled = true;
      cleanup();
      sock.destroy();
      resolve(attempt(t, started, false));
    };

    const onData = (d: Buffer): void => {
      buf += d.toString('latin1');
      if (buf.length > MAX_RESPONSE) return done('failure', null, `response larger than ${MAX_RESPONSE} bytes`);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const m = /^HTTP\/1\.([01]) (\d{3})/.exec(buf);
      if (!m) return done('failure', null, 'malformed HTTP response');
      const status = Number(m[2]);
      const head = buf.slice(0, end);
      // Reuse the connection only when the body's end is known (length or
      // chunked) and nothing beyond it arrived; a close-delimited body: the
      // status suffices, close.
      let bodyEnd: number | null = -1;
      const len = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
      if (len) bodyEnd = end + 4 + Number(len[1]);
      else if (/\r\ntransfer-encoding:[ \t]*chunked/i.test(head)) bodyEnd = chunkedEnd(buf, end + 4);
      if (bodyEnd === null || (bodyEnd > 0 && buf.length < bodyEnd)) return; // body still coming
      const closing = /\r\nconnection:[ \t]*close/i.test(head) || (m[1] === '0' && !/\r\nconnection:[ \t]*keep-alive/i.test(head));
      const keep = bodyEnd > 0 && !closing && buf.length === bodyEnd;
      if (status === 200) done('ready', status, 'HTTP 200', keep);
      else if (status === 503) done('loading', status, 'HTTP 503', keep);
      else done('failure', status, `HTTP ${status}`, keep);
    };
    const onError = (e: NodeJS.ErrnoException): void => {
      if (reused && mayRetry && buf === '' && STALE.has(e.code ?? '')) return retry();
      if (e.code === 'ECONNREFUSED') done('refused', null, 'connection refused');
      else done('failure', null, e.code ?? e.message);
    };
    const onClose = (): void => {
      // A kept-alive connection the server had already closed: try a fresh one.
      if (reused && mayRetry && buf === '') return retry();
      done('failure', null, buf === '' ? 'ECONNRESET' : 'connection closed mid-response');
    };

    // Our own timer covers connect + request + response.
    const timer = setTimeout(() => done('failure', null, `timeout after ${t.timeoutMs} ms`), Math.max(0, t.timeoutMs - (performance.now() - started)));
    sock.on('data', onData);
    sock.on('error', onError);
    sock.on('close', onClose);
    sock.write(`GET ${t.path} HTTP/1.1\r\nHost: ${host}:${t.port}\r\nUser-Agent: vigil-health\r\nAccept: */*\r\n\r\n`, 'latin1');
  });
}

/** Index just past a chunked body starting at `pos`; null while incomplete, -1 when malformed. */
function chunkedEnd(buf: string, pos: number): number | null {
  for (;;) {
    const nl = buf.indexOf('\r\n', pos);
    if (nl < 0) return null;
    const size = parseInt(buf.slice(pos, nl), 16); // parseInt stops at ';' (chunk extensions)
    if (!Number.isFinite(size) || size < 0) return -1;
    if (size === 0) {
      // Optional trailer lines, then an empty line.
      const t = buf.indexOf('\r\n\r\n', nl);
      return t < 0 ? null : t + 4;
    }
    pos = nl + 2 + size + 2;
    if (pos > buf.length) return null;
  }
}
