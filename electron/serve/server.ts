// The headless host (`vigil serve`): the built renderer, the WebSocket
// bridge, REST and Prometheus metrics on one node:http server. Everything
// but /healthz needs the token; loopback only unless allowRemote.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
import path from 'node:path';
import type { WebSocketServer } from 'ws';
import type { VigilService } from '../common/api.js';
import { TOKEN_PARAM, WS_PATH } from '../common/ws-protocol.js';
import { authenticate, newToken, originAllowed, sessionCookie } from './auth.js';
import { contentSecurityPolicy } from '../host/csp.js';
import { RequestError } from '../host/dispatch.js';
import { createMetrics } from './metrics.js';
import { handleRest, isStateChanging } from './rest.js';
import { resolveStatic, sendStatic } from './static-files.js';
import { createBridge, type Bridge } from './ws-bridge.js';

export interface ServerOptions {
  service: VigilService;
  host?: string;
  port?: number;
  token?: string;
  allowRemote?: boolean;
  rendererDir?: string;
  log?: (msg: string) => void;
}

export interface RunningServer {
  /** Dashboard URL with the token. */
  url: string;
  port: number;
  token: string;
  bridge: Bridge;
  close(): Promise<void>;
}

export class ServerConfigError extends Error {}

export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** The option checks that need no socket, so a CLI can run them before starting the core. */
export function checkServerOptions(opts: Pick<ServerOptions, 'host' | 'token' | 'allowRemote'>): void {
  const host = opts.host ?? '127.0.0.1';
  if (opts.token !== undefined && opts.token.length < 16) throw new ServerConfigError('--token: use at least 16 characters (or leave it out for a random one)');
  if (!isLoopback(host) && !opts.allowRemote) {
    throw new ServerConfigError(`host ${host} is not a loopback address: binding it exposes Vigil to the network; pass --allow-remote if that is what you want`);
  }
}

/** Fails like startServer would when the port is taken, without holding it (checked before backends are started). */
export async function checkPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  const probe = createNetServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (e: NodeJS.ErrnoException) => reject(bindError(e, host, port)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

function bindError(e: NodeJS.ErrnoException, host: string, port: number): Error {
  if (e.code === 'EADDRINUSE') return new ServerConfigError(`port ${port} is in use; pick another with --port or 0`);
  if (e.code === 'EADDRNOTAVAIL') return new ServerConfigError(`cannot bind ${host}: no such local address`);
  if (e.code === 'EACCES') return new ServerConfigError(`port ${port}: permission denied (ports below 1024 need privileges)`);
  return e;
}

const SECURITY_HEADERS = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'X-Frame-Options': 'DENY' };

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

const UNAUTHORIZED = { error: `missing or wrong token: open the URL 'vigil serve' printed (…/?${TOKEN_PARAM}=…), or send 'Authorization: Bearer <token>'` };

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { service } = opts;
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? (() => {});
  const rendererDir = path.resolve(opts.rendererDir ?? 'out/renderer');
  checkServerOptions(opts);
  const token = opts.token ?? newToken();
  const loopback = isLoopback(host);
  if (!loopback) log(`WARNING: listening on ${host}: anyone on the network who has the token can start and stop backends; traffic is not encrypted (put it behind TLS)`);

  const metrics = createMetrics(() => service.getState());
  // ws (and the zlib it loads) is loaded when the first dashboard connects: an idle
  // instance with no page open does not keep it resident.
  let wss: Promise<WebSocketServer> | null = null;
  const bridge = createBridge(service, log);
  const webSockets = (): Promise<WebSocketServer> =>
    (wss ??= import('ws').then(({ WebSocketServer }) => {
      const w = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
      bridge.attach(w);
      return w;
    }));


  /** For loopback binds the Host must be a loopback name (DNS rebinding); its origin is then ours. */
  const ownOrigins = (req: IncomingMessage): string[] | null => {
    const h = req.headers.host;
    if (!h) return null;
    const name = h.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
    if (loopback && !isLoopback(name)) return null;
    return [`http://${h}`];
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (url.pathname === '/healthz') return json(res, 200, { ok: true });
    const origins = ownOrigins(req);
    if (!origins) return json(res, 421, { error: `Host header '${req.headers.host ?? ''}' is not this server` });
    const via = authenticate(req, url, token);
    if (!via) return json(res, 401, UNAUTHORIZED);

    if (url.pathname === '/metrics') {
      const m = await metrics.render();
      res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': m.contentType, 'Cache-Control': 'no-store' });
      res.end(m.body);
      return;
    }
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
      if (isStateChanging(req.method) && !originAllowed(req, origins)) return json(res, 403, { error: `Origin '${req.headers.origin}' is not allowed` });
      try {
        const r = await handleRest(service, req, url);
        if (!r) return json(res, 404, { error: `no API route ${req.method} ${url.pathname}` });
        return json(res, r.status, r.body);
      } catch (e) {
        if (e instanceof RequestError) return json(res, 400, { error: e.message, field: e.field });
        log(`api ${req.method} ${url.pathname}: ${(e as Error).stack ?? e}`);
        return json(res, 500, { error: (e as Error).message });
      }
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: `${req.method} not allowed here` });
    const file = resolveStatic(rendererDir, url.pathname);
    if (!file) return json(res, 404, { error: 'not found' });
    const headers: Record<string, string> = {
      ...SECURITY_HEADERS,
      'Content-Security-Policy': contentSecurityPolicy([`ws://${req.headers.host}`]),
    };
    // The cookie lets the page's assets and WebSocket through without the token in every URL.
    if (via === 'query' || via === 'header') headers['Set-Cookie'] = sessionCookie(token);
    if (await sendStatic(res, file, headers)) return;
    if (url.pathname === '/') return json(res, 503, { error: `renderer not built (no ${path.join(rendererDir, 'index.html')}): run npm run build` });
    return json(res, 404, { error: 'not found' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      log(`http: ${e.stack ?? e.message}`);
      if (!res.headersSent) json(res, 500, { error: e.message });
      else res.destroy();
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const reject = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (url.pathname !== WS_PATH) return reject(404, 'Not Found');
    const origins = ownOrigins(req);
    if (!origins) return reject(421, 'Misdirected Request');
    if (!authenticate(req, url, token)) return reject(401, 'Unauthorized');
    if (!originAllowed(req, origins)) return reject(403, 'Forbidden');
    webSockets().then(
      (w) => w.handleUpgrade(req, socket, head, (ws) => w.emit('connection', ws, req)),
      (e: Error) => {
        log(`ws: cannot load the WebSocket server: ${e.message}`);
        reject(500, 'Internal Server Error');
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(bindError(e, host, opts.port ?? 0));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(opts.port ?? 0, host);
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${urlHost}:${port}/?${TOKEN_PARAM}=${encodeURIComponent(token)}`;

  return {
    url,
    port,
    token,
    bridge,
    close: async () => {
      bridge.close();
      if (wss) (await wss).close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
