import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pickFreePort } from '../ports.js';
import { ProbeConnection, probeHealth } from './http-probe.js';

const servers: (HttpServer | NetServer)[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A node http server answering /health with `status()`, counting connections. */
async function httpServer(status: () => number): Promise<{ port: number; connections: () => number; server: HttpServer }> {
  let connections = 0;
  const server = createHttpServer((req, res) => {
    res.writeHead(req.url === '/health' ? status() : 404, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return { port: (server.address() as AddressInfo).port, connections: () => connections, server };
}

/** A raw TCP server that answers each request with `reply(socket)`. */
async function rawServer(reply: (s: Socket) => void): Promise<number> {
  const server = createNetServer((s) => {
    s.on('error', () => {});
    s.on('data', () => reply(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push(server);
  return (server.address() as AddressInfo).port;
}

describe('probeHealth', () => {
  it('maps 200 / 503 / other statuses and refused connections', async () => {
    let code = 503;
    const { port } = await httpServer(() => code);
    expect((await probeHealth({ port, path: '/health', timeoutMs: 1000 })).outcome).toBe('loading');
    code = 200;
    const ok = await probeHealth({ port, path: '/health', timeoutMs: 1000 });
    expect(ok).toMatchObject({ outcome: 'ready', status: 200, detail: 'HTTP 200' });
    expect(ok.latencyMs).toBeGreaterThanOrEqual(0);
    code = 500;
    expect(await probeHealth({ port, path: '/health', timeoutMs: 1000 })).toMatchObject({ outcome: 'failure', status: 500, detail: 'HTTP 500' });
    expect((await probeHealth({ port, path: '/nope', timeoutMs: 1000 })).status).toBe(404);
    expect(await probeHealth({ port: await pickFreePort(), path: '/health', timeoutMs: 1000 })).toMatchObject({ outcome: 'refused', status: null });
  });

  it('a server that accepts but never answers is a timeout failure', async () => {
    const port = await rawServer(() => {});
    const r = await probeHealth({ port, path: '/health', timeoutMs: 150 });
    expect(r).toMatchObject({ outcome: 'failure', detail: 'timeout after 150 ms' });
  });

  it('with a ProbeConnection, probes reuse one connection; without, each connects', async () => {
    const a = await httpServer(() => 200);
    const conn = new ProbeConnection();
    for (let i = 0; i < 5; i++) expect((await probeHealth({ port: a.port, path: '/health', timeoutMs: 1000, conn })).outcome).toBe('ready');
    expect(a.connections()).toBe(1);
    conn.destroy();
    const b = await httpServer(() => 200);
    for (let i = 0; i < 3; i++) await probeHealth({ port: b.port, path: '/health', timeoutMs: 1000 });
    expect(b.connections()).toBe(3);
  });

  it('when the server has closed the kept-alive connection, the next probe reconnects and succeeds', async () => {
    const a = await httpServer(() => 200);
    const conn = new ProbeConnection();
    expect((await probeHealth({ port: a.port, path: '/health', timeoutMs: 1000, conn })).outcome).toBe('ready');
    a.server.closeIdleConnections(); // what its keep-alive timeout does between two probes
    await new Promise((r) => setTimeout(r, 50));
    expect((await probeHealth({ port: a.port, path: '/health', timeoutMs: 1000, conn })).outcome).toBe('ready');
    expect(a.connections()).toBe(2);
    conn.destroy();
  });

  it('a server that resets a reused connection without answering: one retry, then the truth', async () => {
    let n = 0;
    // First request answered with keep-alive; every later request on any connection is reset.
    const port = await rawServer((s) => {
      if (n++ === 0) s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      else s.resetAndDestroy();
    });
    const conn = new ProbeConnection();
    expect((await probeHealth({ port, path: '/health', timeoutMs: 1000, conn })).outcome).toBe('ready');
    const r = await probeHealth({ port, path: '/health', timeoutMs: 1000, conn });
    expect(r).toMatchObject({ outcome: 'failure', detail: 'ECONNRESET' });
    expect(n).toBe(3); // the reused connection, then one fresh retry
    conn.destroy();
  });

  it('chunked, close-delimited and split responses: status read; only the close-delimited one is not reused', async () => {
    let connections = 0;
    const replies = [
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
      'HTTP/1.0 503 Service Unavailable\r\n\r\nloading',
    ];
    let i = 0;
    const server = createNetServer((s) => {
      connections++;
      s.on('error', () => {});
      s.on('data', () => s.write(replies[i++ % replies.length]!));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    const port = (server.address() as AddressInfo).port;
    const conn = new ProbeConnection();
    expect((await probeHealth({ port, path: '/health', timeoutMs: 1000, conn })).outcome).toBe('ready');
    expect((await probeHealth({ port, path: '/health', timeoutMs: 1000, conn })).outcome).toBe('loading');
    expect((await probeHealth({ port, path: '/health', timeoutMs: 1000, conn })).outcome).toBe('ready');
    expect(connections).toBe(2); // chunked kept, HTTP/1.0 closed, then a new one
    // A response split across packets (headers, then body later) is read whole.
    const split = await rawServer((s) => {
      s.write('HTTP/1.1 200 OK\r\nContent-Le');
      setTimeout(() => s.write('ngth: 4\r\n\r\n{}'), 20);
      setTimeout(() => s.write('{}'), 40);
    });
    expect((await probeHealth({ port: split, path: '/health', timeoutMs: 1000, conn })).outcome).toBe('ready');
    conn.destroy();
  });

  it('garbage instead of HTTP is a failure that names it', async () => {
    const port = await rawServer((s) => s.write('SSH-2.0-OpenSSH\r\n\r\n'));
    expect(await probeHealth({ port, path: '/health', timeoutMs: 1000 })).toMatchObject({ outcome: 'failure', detail: 'malformed HTTP response' });
  });
});
