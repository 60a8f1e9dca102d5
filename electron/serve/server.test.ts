// The headless host against a real server on 127.0.0.1:0 with a fake service:
// auth on every surface, origin checks, the WS contract, REST, metrics, static files.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { LogChunk } from '../common/api.js';
import type { VigilState } from '../common/state.js';
import type { OomKill } from '../common/state.js';
import type { StateDelta } from '../common/state-delta.js';
import type { ServerMessage as WireMessage } from '../common/ws-protocol.js';
import { backend, baseState, fakeService, type FakeService } from '../../test-support/fake-service.js';
import { stateFollower } from '../../test-support/state-follower.js';
import { watchedView } from '../../test-support/watch/views.js';
import { startServer, type RunningServer } from './server.js';

let dir: string;
let svc: FakeService;
let srv: RunningServer;
let base: string;
const TOKEN = 'test-token-0123456789abcdef';

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'vigil-serve-'));
  mkdirSync(path.join(dir, 'renderer', 'assets'), { recursive: true });
  writeFileSync(path.join(dir, 'renderer', 'index.html'), '<!doctype html><title>Vigil</title>');
  writeFileSync(path.join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(dir, 'secret.txt'), 'SECRET');
  svc = fakeService(baseState([backend('alpha'), backend('beta', { status: 'failed', memory: null, healthLatencyMs: null })]));
  srv = await startServer({ service: svc, token: TOKEN, rendererDir: path.join(dir, 'renderer') });
  base = `http://127.0.0.1:${srv.port}`;
});
afterEach(async () => {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

const auth = { Authorization: `Bearer ${TOKEN}` };
type ErrorBody = { error: string; field: string | null };
const errorBody = async (r: Response): Promise<ErrorBody> => (await r.json()) as ErrorBody;

/** Opens a WS and collects messages; resolves once open or rejects with the HTTP status. */
/** A wire message, with each state message (snapshot or delta) carrying the state it leaves. */
type ServerMessage = Exclude<WireMessage, { type: 'state' }> | { type: 'state'; version: number; state: VigilState; delta?: StateDelta };

function connect(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; messages: ServerMessage[]; next(pred: (m: ServerMessage) => boolean): Promise<ServerMessage> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const messages: ServerMessage[] = [];
    const waiters: { pred: (m: ServerMessage) => boolean; res: (m: ServerMessage) => void }[] = [];
    const follower = stateFollower();
    ws.on('message', (d) => {
      const wire = JSON.parse(d.toString()) as WireMessage;
      const m: ServerMessage = wire.type === 'state' ? { ...wire, state: follower.apply(wire) } : wire;
      // A message handed to a waiter is consumed; the rest stay in `messages`.
      const w = waiters.find((x) => x.pred(m));
      if (w) { waiters.splice(waiters.indexOf(w), 1); w.res(m); } else messages.push(m);
    });
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
    ws.on('open', () => resolve({
      ws, messages,
      next: (pred) => {
        const seen = messages.find(pred);
        if (seen) { messages.splice(messages.indexOf(seen), 1); return Promise.resolve(seen); }
        return new Promise((res) => waiters.push({ pred, res }));
      },
    }));
  });
}

describe('auth', () => {
  it('401 without a token on page, API, metrics and WebSocket; /healthz is open', async () => {
    for (const p of ['/', '/assets/app.js', '/api/state', '/metrics', '/api/events']) {
      const r = await fetch(base + p);
      expect(r.status, p).toBe(401);
      expect((await errorBody(r)).error).toMatch(/token/);
    }
    expect((await fetch(`${base}/api/state`, { headers: { Authorization: 'Bearer wrong-token-xxxxxxxxxxxx' } })).status).toBe(401);
    await expect(connect(`ws://127.0.0.1:${srv.port}/ws`)).rejects.toThrow('HTTP 401');
    await expect(connect(`ws://127.0.0.1:${srv.port}/ws?token=nope`)).rejects.toThrow('HTTP 401');
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('a valid page visit sets an HttpOnly SameSite=Strict cookie that then opens assets and the API', async () => {
    const page = await fetch(`${base}/?token=${TOKEN}`);
    expect(page.status).toBe(200);
    const cookie = page.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const jar = cookie.split(';')[0] ?? '';
    expect((await fetch(`${base}/assets/app.js`, { headers: { Cookie: jar } })).status).toBe(200);
    expect((await fetch(`${base}/api/state`, { headers: { Cookie: jar } })).status).toBe(200);
  });

  it('rejects a foreign Origin on WS upgrade and on state-changing REST calls, accepts our own', async () => {
    await expect(connect(`ws://127.0.0.1:${srv.port}/ws?token=${TOKEN}`, { Origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
    const bad = await fetch(`${base}/api/backends/alpha/stop`, { method: 'POST', headers: { ...auth, Origin: 'http://evil.example' } });
    expect(bad.status).toBe(403);
    expect(svc.calls).toEqual([]);
    const ok = await fetch(`${base}/api/backends/alpha/stop`, { method: 'POST', headers: { ...auth, Origin: base } });
    expect(ok.status).toBe(200);
    const c = await connect(`ws://127.0.0.1:${srv.port}/ws?token=${TOKEN}`, { Origin: base });
    c.ws.close();
  });

  it('rejects a Host that is not loopback (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((res, rej) => {
      request({ host: '127.0.0.1', port: srv.port, path: '/api/state', headers: { ...auth, Host: `evil.example:${srv.port}` } }, (r) => { r.resume(); res(r.statusCode ?? 0); }).on('error', rej).end();
    });
    expect(status).toBe(421);
  });
});

describe('static files', () => {
  it('serves index.html for / with CSP and nosniff, assets with their MIME type, and blocks traversal', async () => {
    const page = await fetch(`${base}/?token=${TOKEN}`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${srv.port}`);
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Vigil</title>');
    const js = await fetch(`${base}/assets/app.js`, { headers: auth });
    expect(js.headers.get('content-type')).toMatch(/text\/javascript/);
    // fetch normalises '..' itself; send raw and encoded forms over a socket-level request.
    const { request } = await import('node:http');
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt']) {
      const body = await new Promise<{ status: number; text: string }>((res, rej) => {
        request({ host: '127.0.0.1', port: srv.port, path: p, headers: auth }, (r) => {
          let t = '';
          r.on('data', (d) => (t += d));
          r.on('end', () => res({ status: r.statusCode ?? 0, text: t }));
        }).on('error', rej).end();
      });
      expect(body.status, p).toBe(404);
      expect(body.text).not.toContain('SECRET');
    }
  });
});

describe('WebSocket bridge', () => {
  it('round-trips requests, reports invalid payloads by field, and pushes state', async () => {
    const c = await connect(`ws://127.0.0.1:${srv.port}/ws?token=${TOKEN}`);
    const first = await c.next((m) => m.type === 'state');
    expect(first.type === 'state' && first.state.backends.map((b) => b.id)).toEqual(['alpha', 'beta']);

    c.ws.send(JSON.stringify({ type: 'request', id: 1, method: 'restart', payload: { id: 'alpha' } }));
    const r1 = await c.next((m) => m.type === 'response' && m.id === 1);
    expect(r1).toEqual({ type: 'response', id: 1, ok: true, result: { ok: true, message: 'restart alpha' } });
    expect(svc.calls).toEqual([{ method: 'restart', req: { id: 'alpha' } }]);

    c.ws.send(JSON.stringify({ type: 'request', id: 2, method: 'getLogs', payload: { id: 'alpha', lines: -3 } }));
    const r2 = await c.next((m) => m.type === 'response' && m.id === 2);
    // No 'getLogs: ' in front: the dashboard names the action, and a second name reads 'getLogs: getLogs: …'.
    expect(r2.type === 'response' && !r2.ok && r2.error).toMatch(/^field 'lines': /);
    c.ws.send(JSON.stringify({ type: 'request', id: 3, method: 'rm -rf', payload: {} }));
    const r3 = await c.next((m) => m.type === 'response' && m.id === 3);
    expect(r3.type === 'response' && !r3.ok && r3.error).toMatch(/unknown method/);

    svc.setState(baseState([backend('gamma')]));
    const pushed = await c.next((m) => m.type === 'state' && m.state.backends[0]?.id === 'gamma');
    expect(pushed.type).toBe('state');
    c.ws.close();
  });

  it('passes errors on as the service and the validator word them, naming the action nowhere', async () => {
    svc.start = async () => {
      throw new Error('pidfd_open: EPERM');
    };
    const c = await connect(`ws://127.0.0.1:${srv.port}/ws?token=${TOKEN}`);
    const ask = async (id: number, method: string, payload: unknown): Promise<ServerMessage> => {
      c.ws.send(JSON.stringify({ type: 'request', id, method, payload }));
      return c.next((m) => m.type === 'response' && m.id === id);
    };
    expect(await ask(1, 'start', { id: 'alpha' })).toEqual({ type: 'response', id: 1, ok: false, error: 'pidfd_open: EPERM' });
    const bad = await ask(2, 'start', { id: '../etc' });
    expect(bad.type === 'response' && !bad.ok && bad.error).toMatch(/^field 'id': backend id/);
    const extra = await ask(3, 'getState', { x: 1 });
    expect(extra.type === 'response' && !extra.ok && extra.error).toBe('getState takes no payload');
    c.ws.close();
  });

  it('throttles state pushes to at most 20/s and always delivers the latest', async () => {
    const c = await connect(`ws://127.0.0.1:${srv.port}/ws?token=${TOKEN}`);
    await c.next((m) => m.type === 'state');
    for (let i = 0; i < 200; i++) svc.setState({ ...baseState([backend('alpha', { restarts: i })]), time: i });
    const last = await c.next((m) => m.type === 'state' && m.state.time === 199 && m.state.backends[0]?.restarts === 199);
    expect(last.type).toBe('state');
    const states = c.messages.filter((m) => m.type === 'state');
    // 200 changes within a few ms: one immediate push, then the trailing latest.
    expect(states.length).toBeLessThanOrEqual(2);
    c.ws.close();
  });

  it('sends log chunks only for subscribed backends and stops after unsubscribe', async () => {
    const c = await connect(`ws://127.0.0.1:${srv.port}/ws?token=${TOKEN}`);
    // The socket's messages are handled in order: a request's answer means the ones before it were handled.
    let id = 100;
    const handled = async (): Promise<void> => {
      const n = ++id;
      c.ws.send(JSON.stringify({ type: 'request', id: n, method: 'getState' }));
      await c.next((m) => m.type === 'response' && m.id === n);
    };
    c.ws.send(JSON.stringify({ type: 'subscribeLogs', backend: 'alpha' }));
    await handled();
    svc.pushLog({ id: 'beta', lines: [{ time: 1, stream: 'stdout', text: 'not me' }], path: null });
    svc.pushLog({ id: 'alpha', lines: [{ time: 1, stream: 'stderr', text: 'me' }], path: null });
    const got = await c.next((m) => m.type === 'log');
    expect(got.type === 'log' && got.chunk.id).toBe('alpha');
    c.ws.send(JSON.stringify({ type: 'unsubscribeLogs', backend: 'alpha' }));
    await handled();
    svc.pushLog({ id: 'alpha', lines: [{ time: 2, stream: 'stderr', text: 'late' }], path: null });
    // A chunk sent after it arrives: 'late', had it been sent, would have come first.
    c.ws.send(JSON.stringify({ type: 'subscribeLogs', backend: 'beta' }));
    await handled();
    svc.pushLog({ id: 'beta', lines: [{ time: 3, stream: 'stdout', text: 'after' }], path: null });
    const after = await c.next((m) => m.type === 'log');
    expect(after.type === 'log' && after.chunk.lines[0]!.text).toBe('after');
    expect(c.messages.filter((m) => m.type === 'log')).toEqual([]);
    c.ws.close();
  });
});

describe('REST', () => {
  it('state, commands, logs, events and history go through the validated service calls', async () => {
    const st = (await (await fetch(`${base}/api/state`, { headers: auth })).json()) as VigilState;
    expect(st.backends).toHaveLength(2);
    for (const action of ['start', 'stop', 'restart']) {
      const r = await fetch(`${base}/api/backends/beta/${action}`, { method: 'POST', headers: auth });
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ ok: true, message: `${action} beta` });
    }
    // beta (failed) has no zombie: the command table refuses Reap, and the service is not called.
    const reap = await fetch(`${base}/api/backends/beta/reap`, { method: 'POST', headers: auth });
    expect(reap.status).toBe(409);
    expect(await reap.json()).toEqual({ ok: false, message: 'no exited child to reap' });
    const unknown = await fetch(`${base}/api/backends/nope/start`, { method: 'POST', headers: auth });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, message: "unknown backend 'nope'" });
    const logs = (await (await fetch(`${base}/api/backends/alpha/logs?lines=10`, { headers: auth })).json()) as LogChunk;
    expect(logs.lines[0]?.text).toBe('hello');
    await fetch(`${base}/api/events?backend=alpha&since=5&limit=7`, { headers: auth });
    await fetch(`${base}/api/history?range=hour`, { headers: auth });
    expect(svc.calls.slice(3)).toEqual([
      { method: 'getLogs', req: { id: 'alpha', lines: 10 } },
      { method: 'getEvents', req: { backend: 'alpha', since: 5, limit: 7 } },
      { method: 'getHistory', req: { range: 'hour' } },
    ]);
  });

  it("start?anyway=true passes 'anyway' on; a backend's fit and a command's prediction are readable", async () => {
    const r = await fetch(`${base}/api/backends/beta/start?anyway=true`, { method: 'POST', headers: auth });
    expect(r.status).toBe(200);
    const bad = await fetch(`${base}/api/backends/beta/start?anyway=maybe`, { method: 'POST', headers: auth });
    expect(bad.status).toBe(400);
    expect((await errorBody(bad)).field).toBe('anyway');
    const fit = await fetch(`${base}/api/backends/alpha/fit`, { headers: auth });
    expect(fit.status).toBe(200);
    expect(await fit.json()).toBeNull();
    expect((await fetch(`${base}/api/backends/nope/fit`, { headers: auth })).status).toBe(404);
    const p = await fetch(`${base}/api/fit?cmd=llama-server&cmd=-m&cmd=/m.gguf&memoryLimit=8G`, { headers: auth });
    expect(await p.json()).toEqual({ verdict: 'unknown', why: 'fake service' });
    expect(svc.calls).toEqual([
      { method: 'start', req: { id: 'beta', anyway: true } },
      { method: 'predictFit', req: { cmd: ['llama-server', '-m', '/m.gguf'], memoryLimit: '8G' } },
    ]);
  });

  it('400 naming the field for invalid input; 404 for unknown routes', async () => {
    const cases: [string, string][] = [
      ['/api/events?limit=abc', 'limit'],
      ['/api/events?limt=5', 'limt'],
      ['/api/history?range=week', 'range'],
      ['/api/backends/alpha/logs?lines=0', 'lines'],
    ];
    for (const [p, field] of cases) {
      const r = await fetch(base + p, { headers: auth });
      expect(r.status, p).toBe(400);
      const body = await errorBody(r);
      expect(body.field, p).toBe(field);
      expect(body.error, p).toMatch(new RegExp(`^field '${field}': `));
    }
    const badId = await fetch(`${base}/api/backends/${encodeURIComponent('../x')}/start`, { method: 'POST', headers: auth });
    expect(badId.status).toBe(400);
    expect((await errorBody(badId)).field).toBe('id');
    expect((await fetch(`${base}/api/backends/alpha/explode`, { method: 'POST', headers: auth })).status).toBe(404);
    expect(svc.calls).toEqual([]);
  });
});

const kill = (pid: number, backendId: string): OomKill => ({
  id: `k${pid}`, time: 1, timeText: null, pid, comm: 'llama-server', scope: 'memcg', constraint: null, memcg: null, totalVmKb: null, anonRssKb: 1, fileRssKb: 0, shmemRssKb: 0,
  uid: 0, oomScoreAdj: 0, killer: 'kernel', trigger: null, backend: backendId, largestConsumer: null, source: 'kmsg',
});

describe('metrics', () => {
  it('exposes the expected families as Prometheus text', async () => {
    const r = await fetch(`${base}/metrics`, { headers: auth });
    expect(r.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await r.text();
    // Every non-comment line is `name{labels} value`.
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
      expect(line).toMatch(/^[a-z_0-9]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? -?[0-9.e+]+$/);
    }
    const value = (series: string): number | undefined => {
      const l = text.split('\n').find((x) => x.startsWith(series + ' '));
      return l === undefined ? undefined : Number(l.split(' ')[1]);
    };
    expect(value('vigil_backend_up{backend="alpha"}')).toBe(1);
    expect(value('vigil_backend_up{backend="beta"}')).toBe(0);
    expect(value('vigil_backend_state{backend="beta",state="failed"}')).toBe(1);
    expect(value('vigil_backend_state{backend="beta",state="ready"}')).toBe(0);
    expect(value('vigil_backend_restarts_total{backend="alpha"}')).toBe(2);
    expect(value('vigil_backend_rss_bytes{backend="alpha"}')).toBe(5_000_000);
    expect(value('vigil_backend_health_latency_seconds{backend="alpha"}')).toBe(0.012);
    expect(value('vigil_oom_kills_total{backend="alpha"}')).toBe(0);
    expect(value('vigil_memory_available_bytes')).toBe(20e9);
    expect(value('vigil_memory_total_bytes')).toBe(24e9);
    expect(value('vigil_swap_free_bytes')).toBe(0);
    expect(value('vigil_psi_memory_full_avg10')).toBe(0.25);
    expect(value('vigil_gpu_memory_used_bytes{gpu="card0",pool="gtt"}')).toBe(2e9);
    // No fit known for alpha yet: no fit series.
    expect(text).not.toMatch(/^vigil_backend_fit_\w+\{/m);
    // A backend that went away is not reported any more.
    svc.setState(baseState([backend('gamma')]));
    const again = await (await fetch(`${base}/metrics`, { headers: auth })).text();
    expect(again).not.toContain('backend="alpha"');
    expect(again).toContain('vigil_backend_up{backend="gamma"} 1');
  });

  it("exports each backend's and watched server's GPU memory by device and region, and GPU OOMs apart from kernel kills", async () => {
    const gpu = [
      { device: 'card1', vram: 5 * 2 ** 20, gtt: 40 * 2 ** 30 },
      { device: 'nvidia0', vram: 9 * 2 ** 30, gtt: 0 },
    ];
    const gpuOom = { ...kill(4242, 'alpha'), id: 'gpu:alpha:4242:1', kind: 'gpu' as const, killer: 'backend' as const, gpu: { device: 'CUDA0', bytes: 2 ** 30, summary: 'GPU out of memory: CUDA0 could not allocate 1.0 GiB', line: 'x' } };
    svc.setState({
      ...baseState([backend('alpha', { memory: { ...backend('x').memory!, gpu } })]),
      ooms: [kill(4000, 'alpha'), gpuOom],
      watched: [watchedView({ memory: { rss: 1, processes: 1, gpu: [{ device: 'card1', vram: 0, gtt: 3 * 2 ** 30 }] } })],
    });
    const text = await (await fetch(`${base}/metrics`, { headers: auth })).text();
    expect(text).toContain(`vigil_backend_gpu_memory_bytes{backend="alpha",device="card1",region="gtt"} ${40 * 2 ** 30}`);
    expect(text).toContain(`vigil_backend_gpu_memory_bytes{backend="alpha",device="card1",region="vram"} ${5 * 2 ** 20}`);
    expect(text).toContain(`vigil_backend_gpu_memory_bytes{backend="alpha",device="nvidia0",region="vram"} ${9 * 2 ** 30}`);
    expect(text).toMatch(new RegExp(`vigil_watched_gpu_memory_bytes\\{server="[^"]+",device="card1",region="gtt"\\} ${3 * 2 ** 30}`));
    expect(text).toContain('vigil_oom_kills_total{backend="alpha"} 1');
    expect(text).toContain('vigil_backend_gpu_oom_total{backend="alpha"} 1');
  });

  it("exports a backend's predicted and measured bytes", async () => {
    const fit = {
      at: 1, policy: 'warn' as const, verdict: 'fits' as const, headline: 'fits', why: 'fits', predicted: { total: 7_000_000, anon: 5_000_000, file: 2_000_000, atLoadAnon: 4_000_000 }, killedAt: null,
      parts: [], basis: 'formula' as const, basisNote: null, notes: [], refused: false, startedAnyway: false,
      measurement: { text: 'predicted 6.7 MiB, took 6.2 MiB (+8 %)', predicted: 7_000_000, measured: 6_500_000, error: 0.08, at: 2, final: false }, advice: null,
    };
    svc.setState(baseState([backend('alpha', { fit }), backend('beta', { fit: { ...fit, verdict: 'unknown', predicted: null, measurement: null } })]));
    const text = await (await fetch(`${base}/metrics`, { headers: auth })).text();
    expect(text).toContain('vigil_backend_fit_predicted_bytes{backend="alpha"} 7000000');
    expect(text).toContain('vigil_backend_fit_measured_bytes{backend="alpha"} 6500000');
    expect(text).not.toContain('vigil_backend_fit_predicted_bytes{backend="beta"}');
  });
});

describe('binding', () => {
  it('refuses a non-loopback host without allowRemote, and reports a port in use clearly', async () => {
    await expect(startServer({ service: svc, host: '0.0.0.0' })).rejects.toThrow(/not a loopback address.*--allow-remote/);
    await expect(startServer({ service: svc, port: srv.port })).rejects.toThrow(`port ${srv.port} is in use; pick another with --port or 0`);
    const warnings: string[] = [];
    const remote = await startServer({ service: svc, host: '0.0.0.0', allowRemote: true, log: (m) => warnings.push(m) });
    expect(warnings.join('\n')).toMatch(/WARNING/);
    await remote.close();
  });
});
