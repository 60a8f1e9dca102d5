import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { LlamaGenerationProbe, LlamaView } from '../../common/llama.js';
import { pickFreePort, tempDir, waitFor } from '../../../test-support/helpers.js';
import { itRealLlama, startRealServer, tinyModel, type RealServer } from '../../../test-support/llama/real-llama.js';
import { LlamaMonitor } from './monitor.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name: string): string => readFileSync(path.join(here, 'fixtures', name), 'utf8');
const MiB = 1024 * 1024;

function monitor(port = 1, extra: Partial<ConstructorParameters<typeof LlamaMonitor>[0]> = {}): { m: LlamaMonitor; views: LlamaView[] } {
  const views: LlamaView[] = [];
  const m = new LlamaMonitor({ port, readTimeoutMs: 500, onUpdate: (v) => views.push(v), ...extra });
  return { m, views };
}

describe('llama monitor, fed logs', () => {
  it('turns a growing log into views, emitting only when the view changes', () => {
    const { m, views } = monitor();
    for (const line of fixture('local-lv4.log').split('\n')) m.feedLog(`${line}\n`);
    const last = views.at(-1)!;
    expect(last).toMatchObject({ phase: 'stopping', build: 'b1-80fb11a', logVerbosity: 4, contextSize: 4096, slots: { total: 4, busy: null, contextPerSlot: 4096, source: 'log' } });
    expect(last.memory).toEqual([expect.objectContaining({ device: 'Host', source: 'log', weights: Math.round(7.95 * MiB) })]);
    expect(last.kvCaches).toHaveLength(1);
    for (let i = 1; i < views.length; i++) expect(JSON.stringify(views[i]), `view ${i} repeats the one before`).not.toBe(JSON.stringify(views[i - 1]));
    expect(views.map((v) => v.phase).filter((p, i, a) => p !== a[i - 1])).toEqual(['starting', 'loading', 'loaded', 'listening', 'stopping']);
  });

  it('takes an answering API as proof the server listens, ahead of its log', async () => {
    const srv = createServer((req, res) => res.writeHead(req.url === '/slots' ? 200 : 404).end('[{"id":0,"n_ctx":512,"is_processing":false}]'));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const { m } = monitor((srv.address() as AddressInfo).port);
      m.feedLog("srv    load_model: loading model 'x.gguf'\n");
      await m.tick(true);
      expect(m.view()).toMatchObject({ phase: 'listening', slots: { total: 1, busy: 0, source: 'slots' }, endpoints: { props: 'absent', slots: 'available', metrics: 'absent' } });
    } finally {
      srv.close();
    }
  });

  it('retries a failed generation probe at the next tick, then keeps to its period; a config edit turns it on', async () => {
    let completions = 0;
    const srv = createServer((req, res) => {
      if (req.url === '/slots') return void res.writeHead(200).end('[{"id":0,"n_ctx":512,"is_processing":false}]');
      if (req.url === '/completion') return void (++completions === 1 ? res.writeHead(500).end('boom') : res.writeHead(200).end('{"tokens_predicted":1}'));
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const probes: LlamaGenerationProbe[] = [];
      const { m } = monitor((srv.address() as AddressInfo).port, { generate: null, onProbe: (p) => probes.push(p) });
      await m.tick(true);
      await new Promise((r) => setTimeout(r, 100));
      expect(probes).toEqual([]);
      m.setGenerate({ everyMs: 60_000, timeoutMs: 1000 });
      await m.tick(true);
      await waitFor(() => probes.length === 1, 30_000, 'first probe');
      expect(probes[0]).toMatchObject({ outcome: 'failed', detail: 'HTTP 500: boom' });
      await m.tick(true);
      await waitFor(() => probes.length === 2, 30_000, 'the retry');
      expect(probes[1]).toMatchObject({ outcome: 'ok' });
      await m.tick(true);
      await new Promise((r) => setTimeout(r, 100));
      expect(probes).toHaveLength(2);
      expect(completions).toBe(2);
      m.dispose();
    } finally {
      srv.close();
    }
  });

  it('does not read the API before the server serves', async () => {
    const { m } = monitor(await pickFreePort());
    m.feedLog(fixture('local-lv4.log').split('\n').slice(0, 20).join('\n') + '\n');
    expect(m.view().phase).toBe('loading');
    await m.tick(false);
    expect(m.view().endpoints).toEqual({ props: 'unknown', slots: 'unknown', metrics: 'unknown' });
  });

  it('gives the death reason from the lines it was fed, the unfinished last one included', () => {
    const { m, views } = monitor();
    const text = fixture('local-missing-model.log').trimEnd();
    m.feedLog(text.slice(0, text.lastIndexOf('\n') - 400));
    m.feedLog(text.slice(text.lastIndexOf('\n') - 400));
    expect(m.onExit()).toMatchObject({ kind: 'model-missing', summary: 'Model file not found: /nonexistent/model.gguf' });
    expect(views.at(-1)).toMatchObject({ phase: 'failed', deathReason: { kind: 'model-missing' } });
    // A tail handed in wins over the lines fed.
    expect(m.onExit(fixture('local-port-in-use.log').split('\n'))?.kind).toBe('port-in-use');
  });

  it('forgets the old process on restart', () => {
    const { m, views } = monitor();
    m.feedLog(fixture('local-unknown-arch.log'));
    m.onExit();
    m.restart(2);
    expect(views.at(-1)).toMatchObject({ phase: 'starting', deathReason: null, memory: [], model: { path: null } });
    m.feedLog(fixture('local-default.log'));
    expect(m.onExit()).toBeNull();
  });
});

/** Reads a log file from `offset` as it grows, like the supervisor's tailer. */
function follow(file: string, offset: number, feed: (text: string) => void): () => void {
  let pos = offset;
  const read = (): void => {
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      return;
    }
    if (size <= pos) return;
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(size - pos);
      pos += readSync(fd, buf, 0, buf.length, pos);
      feed(buf.toString('utf8'));
    } finally {
      closeSync(fd);
    }
  };
  const timer = setInterval(read, 50);
  const stop = (): void => {
    clearInterval(timer);
    read();
  };
  following.add(stop);
  return stop;
}
const following = new Set<() => void>();

describe('llama monitor, against the real server', () => {
  const tmp = tempDir('vigil-llama-monitor-');
  let server: RealServer | null = null;
  afterEach(async () => {
    await server?.kill();
    server = null;
    for (const stop of following) stop();
    following.clear();
  });
  afterAll(() => tmp.cleanup());

  itRealLlama('follows a real server from load to serving, probes it, then explains the next process\'s death', async () => {
    const log = path.join(tmp.dir, 'backend.log');
    const model = await tinyModel();
    const port = await pickFreePort();
    const probes: LlamaGenerationProbe[] = [];
    const { m, views } = monitor(port, { readTimeoutMs: 5000, generate: { everyMs: 0, timeoutMs: 20_000 }, onProbe: (p) => probes.push(p) });
    closeSync(openSync(log, 'a'));
    let stop = follow(log, 0, (t) => m.feedLog(t));
    server = await startRealServer(['-m', model, '-c', '4096', '-lv', '4', '--metrics'], log, { port });

    await waitFor(async () => {
      await m.tick(true);
      return probes.length > 0 && m.view().throughput !== null && m.view().listenUrl !== null;
    }, 30_000, 'a tick with the API read, a generation probe, and the log caught up');
    const v = m.view();
    expect(v).toMatchObject({ phase: 'listening', listenUrl: `http://127.0.0.1:${port}`, model: { path: model, name: expect.stringMatching(/^vigil-testbed L2 E64/) }, contextSize: 4096 });
    expect(v.build).toMatch(/^b\d+-[0-9a-f]+$/);
    // With /metrics answering, busy slots come from requests_processing and /slots is not read.
    expect(v.slots).toEqual({ total: 4, busy: 0, source: 'metrics', contextPerSlot: 4096 });
    expect(v.memory).toEqual([expect.objectContaining({ device: 'Host', source: 'log' })]);
    expect(v.memory[0]!.weights).toBeGreaterThan(7 * MiB);
    expect(v.endpoints).toEqual({ props: 'available', slots: 'available', metrics: 'available' });
    expect(probes[0]).toMatchObject({ outcome: 'ok' });
    expect(views.at(-1)?.lastProbe).toMatchObject({ outcome: 'ok' });
    expect(v.kvUsage).toBeNull(); // this build exports no KV cache gauges

    // Killed by a signal: the log holds no reason, and none is invented.
    server.signal('SIGKILL');
    await server.exited;
    stop();
    expect(m.onExit()).toBeNull();

    // The next process writes into the same log from its end; the monitor reads from there. (A
    // llama-server that exits at once may lose its queued log lines: see death-reason.test.ts.)
    const missing = path.join(tmp.dir, 'deleted.gguf');
    for (let attempt = 1; ; attempt++) {
      const offset = statSync(log).size;
      const port2 = await pickFreePort();
      m.restart(port2);
      stop = follow(log, offset, (t) => m.feedLog(t));
      server = await startRealServer(['-m', missing], log, { port: port2, waitReady: false });
      await server.exited;
      stop();
      if (/ E /.test(readFileSync(log, 'utf8').slice(offset)) || attempt === 3) break;
    }
    expect(m.onExit()).toMatchObject({ kind: 'model-missing', summary: `Model file not found: ${missing}` });
    expect(views.at(-1)).toMatchObject({ phase: 'failed', deathReason: { kind: 'model-missing' }, lastProbe: null, memory: [] });
  }, 180_000);
});
