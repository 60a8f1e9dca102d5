import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { WatchProbe, connectHost, getJson, modelsFrom, pickListen } from './health.js';

const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

function serve(handler: Parameters<typeof createServer>[1]): Promise<number> {
  const s = createServer(handler);
  servers.push(s);
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port)));
}

describe('modelsFrom', () => {
  it('reads the model lists of each server family', () => {
    expect(modelsFrom({ object: 'list', data: [{ id: 'qwen2.5-7b', object: 'model', owned_by: 'llamacpp' }] })).toEqual(['qwen2.5-7b']);
    expect(modelsFrom({ models: [{ name: 'llama3.2:latest', model: 'llama3.2:latest', size: 3_000_000_000, expires_at: '2026-01-01T00:00:00Z' }] })).toEqual(['llama3.2:latest']);
    expect(modelsFrom({ running: [{ model: 'qwen-coder', state: 'ready' }] })).toEqual(['qwen-coder']);
    expect(modelsFrom({ status: 'ok', model_loaded: 'Qwen3-8B-GGUF' })).toEqual(['Qwen3-8B-GGUF']);
    expect(modelsFrom({ result: 'koboldcpp/MythoMax-L2-13B' })).toEqual(['MythoMax-L2-13B']);
    // LM Studio's /api/v0/models lists downloaded models too: only loaded ones count.
    expect(modelsFrom({ data: [{ id: 'a', state: 'loaded' }, { id: 'b', state: 'not-loaded' }] })).toEqual(['a']);
    expect(modelsFrom(null)).toEqual([]);
    expect(modelsFrom('text')).toEqual([]);
  });
});

describe('where to probe', () => {
  it('prefers the command line\'s port, then the default, then the lowest; loopback for wildcard binds', () => {
    const l = [{ host: '0.0.0.0', port: 50000 }, { host: '::', port: 11434 }, { host: '0.0.0.0', port: 11434 }, { host: '127.0.0.1', port: 9000 }];
    expect(pickListen(l, [null, 11434])).toEqual({ host: '0.0.0.0', port: 11434 });
    expect(pickListen(l, [50000, 11434])).toEqual({ host: '0.0.0.0', port: 50000 });
    expect(pickListen(l, [null, null])).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(pickListen([], [1])).toBeNull();
    expect(connectHost({ host: '0.0.0.0', port: 1 })).toBe('127.0.0.1');
    expect(connectHost({ host: '::', port: 1 })).toBe('::1');
    expect(connectHost({ host: '::ffff:127.0.0.1', port: 1 })).toBe('127.0.0.1');
    expect(connectHost({ host: '192.168.1.5', port: 1 })).toBe('192.168.1.5');
  });
});

describe('WatchProbe', () => {
  it('any answer below 500 means the server serves; 503 is loading; 500, refusal and silence are failures', async () => {
    const port = await serve((req, res) => {
      if (req.url === '/health') res.writeHead(503).end('{"error":"Loading model"}');
      else if (req.url === '/broken') res.writeHead(500).end();
      else if (req.url === '/hang') return; // never answers
      else res.writeHead(404).end();
    });
    const p = new WatchProbe();
    const l = { host: '127.0.0.1', port };
    try {
      expect(await p.probe(l, '/api/version', 1000)).toEqual({ ok: true, detail: 'HTTP 404 /api/version' });
      expect(await p.probe(l, '/health', 1000)).toEqual({ ok: true, detail: 'loading (HTTP 503 /health)' });
      expect(await p.probe(l, '/broken', 1000)).toEqual({ ok: false, detail: 'HTTP 500 /broken' });
      expect(await p.probe(l, '/hang', 300)).toEqual({ ok: false, detail: `timeout after 300 ms (/hang on port ${port})` });
    } finally {
      p.close();
    }
    const closed = await serve(() => {});
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 50));
    const q = new WatchProbe();
    expect(await q.probe({ host: '127.0.0.1', port: closed }, '/health', 1000)).toEqual({ ok: false, detail: `connection refused on port ${closed}` });
    q.close();
  });

  it('reads a JSON model list, and null for anything else', async () => {
    const port = await serve((req, res) => {
      if (req.url === '/api/ps') res.writeHead(200, { 'content-type': 'application/json' }).end('{"models":[{"name":"gemma3:4b"}]}');
      else res.writeHead(200).end('not json');
    });
    expect(modelsFrom(await getJson({ host: '127.0.0.1', port }, '/api/ps', 1000))).toEqual(['gemma3:4b']);
    expect(await getJson({ host: '127.0.0.1', port }, '/other', 1000)).toBeNull();
  });
});
