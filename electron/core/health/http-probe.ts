// One HTTP health probe (llama-server's /health semantics): 200 → ready,
// 503 → loading, connection refused → still starting, anything else
// (timeout, reset, other status) → a failure that counts toward unhealthy.
//
// Written on a plain socket rather than node:http, because with 50 backends
// probed every 2 s the probe is most of an idle Vigil's CPU, and node:http's
// keep-alive agent costs about three times what a raw socket does. For the same
// reason a kept-alive socket reads through `onread` into one buffer (no
// readable-stream machinery per response), the request bytes are encoded
// once, and every pending probe shares one deadline timer
// (deadlines.ts) instead of arming and clearing its own.
import { connect, type Socket } from 'node:net';
import { Deadlines } from './deadlines.js';

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
const deadlines = new Deadlines();

interface Pending {
  target: ProbeTarget;
  host: string;
  started: number;
  /** The socket was kept from an earlier probe (a failure before any byte may be a stale socket). */
  reused: boolean;
  mayRetry: boolean;
  resolve: (r: HealthResult | Promise<HealthResult>) => void;
  cancelDeadline: () => void;
}

/**
 * One backend process's probe channel: at most one open socket, reused
 * between probes while the server keeps it alive. destroy() when the
 * process goes. Probes on one connection must not overlap (the supervisor
 * runs one at a time).
 */
export class ProbeConnection {
  private sock: Socket | null = null;
  private key = '';
  private request: Buffer | null = null;
  private requestKey = '';
  private pending: Pending | null = null;
  // Response bytes so far ('latin1': one char per byte, so lengths are byte counts).
  private buf = '';
  private readonly readBuf = Buffer.allocUnsafe(16 * 1024);
  private destroyed = false;

  /** GET path on host:port; never rejects. */
  probe(t: ProbeTarget, started = performance.now(), mayRetry = true): Promise<HealthResult> {
    const host = t.host ?? '127.0.0.1';
    return new Promise((resolve) => {
      const key = `${host}:${t.port}`;
      const reused = this.sock !== null && this.key === key && !this.sock.destroyed && this.sock.writable;
      if (!reused) this.drop();
      if (!this.sock) this.open(host, t.port, key);
      const sock = this.sock!;
      const remaining = Math.max(0, t.timeoutMs - (performance.now() - started));
      const p: Pending = {
        target: t,
        host,
        started,
        reused,
        mayRetry,
        resolve,
        cancelDeadline: () => {},
      };
      this.pending = p;
      this.buf = '';
      p.cancelDeadline = deadlines.add(remaining, () => {
        if (this.pending === p) this.finish('failure', null, `timeout after ${t.timeoutMs} ms`, false);
      });
      sock.ref();
      sock.write(this.requestFor(t.path, key));
    });
  }

  destroy(): void {
    this.destroyed = true;
    if (this.pending) this.finish('failure', null, 'probe connection closed', false);
    this.drop();
  }

  private open(host: string, port: number, key: string): void {
    const sock = connect({
      port,
      host,
      noDelay: true,
      onread: {
        buffer: this.readBuf,
        callback: (n) => {
          this.onBytes(sock, this.readBuf.toString('latin1', 0, n));
          return true; // keep reading
        },
      },
    });
    sock.on('error', (e: NodeJS.ErrnoException) => this.onError(sock, e));
    sock.on('close', () => this.onClose(sock));
    this.sock = sock;
    this.key = key;
  }

  private drop(): void {
    const s = this.sock;
    this.sock = null;
    s?.destroy();
  }

  private requestFor(path: string, key: string): Buffer {
    const k = `${path} ${key}`;
    if (this.requestKey !== k || !this.request) {
      this.request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${key}\r\nUser-Agent: vigil-health\r\nAccept: */*\r\n\r\n`, 'latin1');
      this.requestKey = k;
    }
    return this.request;
  }

  private onBytes(sock: Socket, chunk: string): void {
    if (sock !== this.sock) return;
    // Bytes nobody asked for mean the stream is out of step: drop it.
    if (!this.pending) return this.drop();
    this.buf += chunk;
    const buf = this.buf;
    if (buf.length > MAX_RESPONSE) return this.finish('failure', null, `response larger than ${MAX_RESPONSE} bytes`, false);
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) return;
    const m = /^HTTP\/1\.([01]) (\d{3})/.exec(buf);
    if (!m) return this.finish('failure', null, 'malformed HTTP response', false);
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
    if (status === 200) this.finish('ready', status, 'HTTP 200', keep);
    else if (status === 503) this.finish('loading', status, 'HTTP 503', keep);
    else this.finish('failure', status, `HTTP ${status}`, keep);
  }

  private onError(sock: Socket, e: NodeJS.ErrnoException): void {
    // Errors of a socket already dropped, or while parked, only end it.
    if (sock !== this.sock) return;
    const p = this.pending;
    if (!p) return this.drop();
    if (p.reused && p.mayRetry && this.buf === '' && STALE.has(e.code ?? '')) return this.retry(p);
    if (e.code === 'ECONNREFUSED') this.finish('refused', null, 'connection refused', false);
    else this.finish('failure', null, e.code ?? e.message, false);
  }

  private onClose(sock: Socket): void {
    if (sock !== this.sock) return;
    this.sock = null;
    const p = this.pending;
    if (!p) return;
    // A kept-alive connection the server had already closed: try a fresh one.
    if (p.reused && p.mayRetry && this.buf === '') return this.retry(p);
    this.finish('failure', null, this.buf === '' ? 'ECONNRESET' : 'connection closed mid-response', false);
  }

  private retry(p: Pending): void {
    p.cancelDeadline();
    this.pending = null;
    this.drop();
    p.resolve(this.probe(p.target, p.started, false));
  }

  private finish(outcome: HealthOutcome, status: number | null, detail: string, keep: boolean): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    p.cancelDeadline();
    this.buf = '';
    if (keep && !this.destroyed) this.sock?.unref(); // an idle probe connection must not keep the process alive
    else this.drop();
    p.resolve({ outcome, status, latencyMs: Math.round((performance.now() - p.started) * 10) / 10, detail });
  }
}

/** GET http://host:port/path once; never rejects. Without `conn`, on a connection of its own, closed after. */
export function probeHealth(t: ProbeTarget): Promise<HealthResult> {
  if (t.conn) return t.conn.probe(t);
  const once = new ProbeConnection();
  return once.probe(t).finally(() => once.destroy());
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
