import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../../test-support/helpers.js';
import { itRealLlama, startRealServer, tinyModel, type RealServer } from '../../../test-support/llama/real-llama.js';
import { LlamaServerApi } from './server-api.js';

const here = path.dirname(fileURLToPath(import.meta.url));

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A plain HTTP server answering as told, counting requests per path. */
async function answering(handler: Handler): Promise<{ port: number; hits: Map<string, number>; close: () => Promise<void> }> {
  const hits = new Map<string, number>();
  const srv: Server = createServer((req, res) => {
    hits.set(req.url ?? '', (hits.get(req.url ?? '') ?? 0) + 1);
    handler(req, res);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as AddressInfo).port,
    hits,
    close: () => new Promise<void>((r) => {
      srv.closeAllConnections();
      srv.close(() => r());
    }),
  };
}

describe('llama-server API reader, answers of every kind', () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await close?.();
    close = null;
  });

  it('remembers an endpoint the server does not offer (404, 501, 401) and does not ask again', async () => {
    const srv = await answering((req, res) => {
      const status = req.url === '/props' ? 404 : req.url === '/metrics' ? 501 : 401;
      res.writeHead(status, { 'Content-Type': 'application/json' }).end('{"error":{}}');
    });
    close = srv.close;
    const api = new LlamaServerApi({ port: srv.port });
    expect(await api.props()).toEqual({ ok: false, absent: true, detail: '/props: HTTP 404 (not found)' });
    expect(await api.metrics()).toEqual({ ok: false, absent: true, detail: '/metrics: HTTP 501 (not enabled)' });
    expect(await api.slots()).toEqual({ ok: false, absent: true, detail: '/slots: HTTP 401 (needs the API key)' });
    expect(api.endpoints).toEqual({ props: 'absent', slots: 'absent', metrics: 'absent' });
    for (let i = 0; i < 3; i++) {
      await api.props();
      await api.slots();
      await api.metrics();
    }
    expect(Object.fromEntries(srv.hits)).toEqual({ '/props': 1, '/metrics': 1, '/slots': 1 });
    // A new process may offer them.
    api.retarget({ port: srv.port });
    expect(api.endpoints).toEqual({ props: 'unknown', slots: 'unknown', metrics: 'unknown' });
  });

  it('asks again after 503 (loading) and after an unreadable answer', async () => {
    let n = 0;
    const srv = await answering((_req, res) => {
      n++;
      if (n === 1) res.writeHead(503).end('{"error":{"code":503,"message":"Loading model"}}');
      else if (n === 2) res.writeHead(200).end('not json');
      else res.writeHead(200).end(JSON.stringify([{ id: 0, n_ctx: 2048, state: 1 }, { id: 1, n_ctx: 2048, state: 0 }]));
    });
    close = srv.close;
    const api = new LlamaServerApi({ port: srv.port });
    expect(await api.slots()).toEqual({ ok: false, absent: false, detail: '/slots: HTTP 503 (loading)' });
    expect(await api.slots()).toMatchObject({ ok: false, absent: false, detail: expect.stringMatching(/^\/slots: unreadable answer/) });
    expect(api.endpoints.slots).toBe('unknown');
    // Older servers say `state` instead of `is_processing`.
    expect(await api.slots()).toMatchObject({ ok: true, value: { total: 2, busy: 1, contextPerSlot: 2048 } });
    expect(api.endpoints.slots).toBe('available');
  });

  it('sends the API key, and gives up on a server that does not answer within the timeout', async () => {
    let auth: string | undefined;
    const srv = await answering((req, res) => {
      auth = req.headers.authorization;
      if (req.url === '/props') res.writeHead(200).end(JSON.stringify({ default_generation_settings: { n_ctx: 512 }, total_slots: 1, model_path: '/m.gguf', build_info: 'b7000-abcdef0', is_sleeping: false }));
      // /slots: never answered.
    });
    close = srv.close;
    const api = new LlamaServerApi({ port: srv.port, apiKey: 'sekrit', timeoutMs: 300 });
    expect(await api.props()).toMatchObject({ ok: true, value: { contextSize: 512, totalSlots: 1, modelPath: '/m.gguf', build: 'b7000-abcdef0', sleeping: false } });
    expect(auth).toBe('Bearer sekrit');
    expect(await api.slots()).toEqual({ ok: false, absent: false, detail: '/slots: timeout after 300 ms' });
    expect(await api.slots(100)).toEqual({ ok: false, absent: false, detail: '/slots: timeout after 100 ms' });
  });

  it('keeps one connection for its reads, which never keeps the process running', async () => {
    const sockets = new Set<unknown>();
    const srv = await answering((req, res) => {
      sockets.add(req.socket);
      res.writeHead(200).end('[]');
    });
    close = srv.close;
    const api = new LlamaServerApi({ port: srv.port });
    for (let i = 0; i < 5; i++) expect(await api.slots()).toMatchObject({ ok: true });
    expect(sockets.size).toBe(1);
    api.close();
    expect(await api.slots()).toMatchObject({ ok: true });
    expect(sockets.size).toBe(2);
    // A process that read and has nothing left to do exits, its idle kept connection notwithstanding.
    const script = `import { LlamaServerApi } from ${JSON.stringify(path.join(here, 'server-api.ts'))};
      const api = new LlamaServerApi({ port: ${srv.port} });
      const r = await api.slots();
      console.log(r.ok ? 'read' : r.detail);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((r) => {
      const t = setTimeout(() => {
        child.kill('SIGKILL');
        r(-1);
      }, 15_000);
      child.on('exit', (c) => {
        clearTimeout(t);
        r(c);
      });
    });
    expect({ code, out: out.trim() }).toEqual({ code: 0, out: 'read' });
    expect(sockets.size).toBe(3);
  }, 180_000);

  it('says connection refused when nothing listens', async () => {
    const srv = await answering(() => {});
    await srv.close();
    expect(await new LlamaServerApi({ port: srv.port }).props()).toEqual({ ok: false, absent: false, detail: '/props: ECONNREFUSED' });
  });
});

describe('llama-server API reader, against the real server', () => {
  const tmp = tempDir('vigil-llama-api-');
  let server: RealServer | null = null;
  afterEach(async () => {
    await server?.kill();
    server = null;
  });
  afterAll(() => tmp.cleanup());

  itRealLlama('reads /props, /slots and /metrics of a server started with --metrics', async () => {
    const model = await tinyModel();
    server = await startRealServer(['-m', model, '-c', '4096', '--metrics'], path.join(tmp.dir, 'metrics.log'));
    const api = new LlamaServerApi({ port: server.port });
    const props = await api.props();
    expect(props).toMatchObject({ ok: true, value: { contextSize: 4096, totalSlots: 4, modelPath: model, sleeping: false } });
    expect(props.ok && props.value.build).toMatch(/^b\d+-[0-9a-f]{7,}$/);
    expect(await api.slots()).toMatchObject({ ok: true, value: { total: 4, busy: 0, contextPerSlot: 4096 } });
    const metrics = await api.metrics();
    expect(metrics).toMatchObject({ ok: true, value: { requestsProcessing: 0, requestsDeferred: 0, promptTokensTotal: 0, generatedTokensTotal: 0 } });
    if (metrics.ok) console.info(`llamacpp metrics this build exports: ${metrics.value.names.join(', ')}`);
    expect(metrics.ok && metrics.value.names).toEqual(expect.arrayContaining(['requests_processing', 'requests_deferred', 'prompt_tokens_seconds', 'predicted_tokens_seconds', 'n_tokens_max']));
    expect(api.endpoints).toEqual({ props: 'available', slots: 'available', metrics: 'available' });
  }, 180_000);

  itRealLlama('without --metrics, and with --no-slots, those endpoints are absent and not asked again', async () => {
    server = await startRealServer(['-m', await tinyModel(), '-c', '2048', '--no-slots'], path.join(tmp.dir, 'plain.log'));
    const api = new LlamaServerApi({ port: server.port });
    expect(await api.metrics()).toEqual({ ok: false, absent: true, detail: '/metrics: HTTP 501 (not enabled)' });
    expect(await api.slots()).toEqual({ ok: false, absent: true, detail: '/slots: HTTP 501 (not enabled)' });
    expect(await api.props()).toMatchObject({ ok: true });
    // Once known absent, no request is made: even a dead server gives the same answer at once.
    await server.kill();
    expect(await api.metrics()).toEqual({ ok: false, absent: true, detail: '/metrics not offered by this server' });
    expect(await api.props()).toEqual({ ok: false, absent: false, detail: '/props: ECONNREFUSED' });
  }, 180_000);

  itRealLlama('a stopped (SIGSTOP) server: reads time out', async () => {
    server = await startRealServer(['-m', await tinyModel(), '-c', '2048'], path.join(tmp.dir, 'stopped.log'));
    const api = new LlamaServerApi({ port: server.port, timeoutMs: 500 });
    expect(await api.slots()).toMatchObject({ ok: true });
    server.signal('SIGSTOP');
    expect(await api.slots()).toEqual({ ok: false, absent: false, detail: '/slots: timeout after 500 ms' });
    server.signal('SIGCONT');
    expect(await api.slots()).toMatchObject({ ok: true });
  }, 180_000);
});
