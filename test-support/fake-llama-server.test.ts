// The fake llama-server is a test tool; these tests check it behaves as the
// supervisor and e2e tests rely on, against the real process and HTTP.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeServer, waitFor, type FakeServer } from './helpers.js';

const servers: FakeServer[] = [];
const blockers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) s.kill('SIGKILL');
  for (const b of blockers.splice(0)) await new Promise((r) => b.close(r));
});
async function start(args: string[] = [], port?: number) {
  const s = await startFakeServer(args, port);
  servers.push(s);
  return s;
}
async function get(s: FakeServer, p: string, init?: RequestInit & { timeoutMs?: number }) {
  const res = await fetch(s.url + p, { ...init, signal: AbortSignal.timeout(init?.timeoutMs ?? 2000) });
  return { status: res.status, body: await res.text() };
}
const health = (s: FakeServer) => waitFor(() => get(s, '/health').catch(() => null), 30_000, 'server up');
function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

describe('fake llama-server', () => {
  it('answers /health 503 "Loading model" while loading, then 200, and logs like llama-server', async () => {
    const s = await start(['--load-ms', '800', '-m', '/models/x.gguf', '--ctx-size', '4096', '-ngl', '99']);
    const first = await health(s);
    expect(first.status).toBe(503);
    expect(JSON.parse(first.body)).toEqual({ error: { code: 503, message: 'Loading model', type: 'unavailable_error' } });
    await waitFor(async () => (await get(s, '/health')).status === 200, 30_000, 'ready');
    expect(JSON.parse((await get(s, '/health')).body)).toEqual({ status: 'ok' });
    expect(s.output()).toContain(`main: server is listening on http://127.0.0.1:${s.port}`);
    const models = JSON.parse((await get(s, '/v1/models')).body);
    expect(models.data[0].id).toBe('x.gguf');
  });

  it('streams chat completions as SSE ending in [DONE], and answers non-streaming too', async () => {
    const s = await start();
    await health(s);
    const r = await get(s, '/v1/chat/completions', { method: 'POST', body: JSON.stringify({ stream: true, messages: [] }) });
    const events = r.body.split('\n\n').filter(Boolean);
    expect(events.every((e) => e.startsWith('data: '))).toBe(true);
    expect(events[events.length - 1]).toBe('data: [DONE]');
    const text = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)).choices[0].delta.content ?? '').join('');
    expect(text).toBe('Hello from the fake llama-server.');
    const plain = JSON.parse((await get(s, '/v1/chat/completions', { method: 'POST', body: '{}' })).body);
    expect(plain.choices[0].message.content).toBe(text);
    expect((await get(s, '/v1/chat/completions', { method: 'POST', body: '{nope' })).status).toBe(400);
  });

  it('crashes with the given code by flag and by control endpoint; exits immediately by flag', async () => {
    const a = await start(['--crash-after-ms', '200', '--exit-code', '42']);
    expect(await a.exited).toEqual([42, null]);
    const b = await start();
    await health(b);
    await get(b, '/control/crash?code=7', { method: 'POST' });
    expect(await b.exited).toEqual([7, null]);
    const c = await start(['--exit-immediately', '3']);
    expect(await c.exited).toEqual([3, null]);
  });

  it('a chatty server logs a slot line on a period (--log-every-ms)', async () => {
    const s = await start(['--log-every-ms', '20']);
    await waitFor(() => (s.output().match(/^slot update_slots: /gm)?.length ?? 0) >= 3, 30_000, 'three slot lines');
    expect(s.output()).toMatch(/^slot update_slots: id {2}0 \| task 1 \| prompt done, n_past = 1$/m);
  });

  it('hangs: stays alive but stops answering (flag and control endpoint)', async () => {
    const a = await start(['--hang-after-ms', '300']);
    await health(a);
    await waitFor(() => get(a, '/health', { timeoutMs: 300 }).then(() => false, (e: Error) => e.name === 'TimeoutError'), 30_000, 'hang');
    expect(a.child.exitCode).toBeNull();
    expect(readFileSync(`/proc/${a.child.pid}/stat`, 'utf8')).not.toMatch(/\) Z /);
    const b = await start();
    await health(b);
    await get(b, '/control/hang', { method: 'POST' });
    await expect(get(b, '/health', { timeoutMs: 400 })).rejects.toThrow();
    expect(b.child.exitCode).toBeNull();
  });

  it('grows its RSS (touched memory) by flag and by control endpoint', async () => {
    const a = await start(['--grow-mb-per-sec', '100']);
    await health(a);
    const r0 = rssKb(a.child.pid!);
    await waitFor(() => rssKb(a.child.pid!) > r0 + 80 * 1024, 10_000, 'RSS +80 MiB');
    const b = await start();
    await health(b);
    const b0 = rssKb(b.child.pid!);
    await get(b, '/control/grow?mbPerSec=100', { method: 'POST' });
    await waitFor(() => rssKb(b.child.pid!) > b0 + 50 * 1024, 10_000, 'RSS +50 MiB');
  });

  it('ignores SIGTERM with --ignore-sigterm, dies by SIGTERM without it', async () => {
    const a = await start(['--ignore-sigterm']);
    await health(a);
    a.child.kill('SIGTERM');
    await waitFor(() => a.output().includes('received SIGTERM, ignoring'), 30_000, 'SIGTERM note');
    expect((await get(a, '/health')).status).toBe(200);
    const b = await start();
    await health(b);
    b.child.kill('SIGTERM');
    expect(await b.exited).toEqual([null, 'SIGTERM']);
  });

  it("prints llama-server's bind error and exits 1 when the port is taken", async () => {
    const blocker = createServer();
    blockers.push(blocker);
    const port = await new Promise<number>((r) => blocker.listen(0, '127.0.0.1', () => r((blocker.address() as { port: number }).port)));
    const s = await start([], port);
    expect(await s.exited).toEqual([1, null]);
    expect(s.output()).toContain(`couldn't bind HTTP server socket, hostname: 127.0.0.1, port: ${port}`);
    expect(s.output()).toContain('address already in use');
  });

  it('appends its pid to --pid-file at start, one line per process', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'vigil-fake-pid-'));
    try {
      const file = path.join(dir, 'pids');
      const a = await start(['--pid-file', file]);
      const b = await start(['--pid-file', file]);
      await health(a);
      await health(b);
      const text = readFileSync(file, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      expect(text.trim().split('\n').map(Number).sort()).toEqual([a.child.pid, b.child.pid].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
