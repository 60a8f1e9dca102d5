// The `vigil` command as a real child process: flags, oom-scan, a port in
// use, and `serve` with the real core and the fake llama-server until SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { VigilState } from '../common/state.js';
import { FAKE_SERVER } from '../../test-support/supervisor-harness.js';

const CLI = path.resolve(import.meta.dirname, 'vigil.ts');
const FIXTURE = path.resolve(import.meta.dirname, '../core/oom/fixtures/shapes/dmesg.log');
const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function cli(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; out: () => string; err: () => string; done: Promise<number> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const done = new Promise<number>((r) => child.on('exit', (code, sig) => r(code ?? (sig ? 128 : -1))));
  return { child, out: () => out, err: () => err, done };
}

async function until<T>(f: () => T | Promise<T>, ms: number, what: string): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function tmp(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'vigil-cli-'));
  dirs.push(d);
  return d;
}

describe('vigil CLI', () => {
  it('prints one clear line for unknown commands and flags', async () => {
    const a = cli(['frobnicate']);
    expect(await a.done).toBe(2);
    expect(a.err()).toBe("vigil: unknown command 'frobnicate' (try vigil --help)\n");
    const b = cli(['serve', '--port', 'eighty']);
    expect(await b.done).toBe(2);
    expect(b.err()).toBe("vigil: --port: 'eighty' is not a port number (0-65535)\n");
    const c = cli(['serve', '--bogus']);
    expect(await c.done).toBe(2);
    expect(c.err().trim().split('\n')).toHaveLength(1);
    expect(c.err()).toContain("'--bogus'");
  });

  it('oom-scan reads a saved dmesg and prints the kill, as text and JSON', async () => {
    const t = cli(['oom-scan', FIXTURE]);
    expect(await t.done).toBe(0);
    expect(t.out()).toMatch(/python3.*4321/);
    expect(t.err()).toContain('1 OOM kill(s) found');
    const j = cli(['oom-scan', FIXTURE, '--json']);
    expect(await j.done).toBe(0);
    const kill = JSON.parse(j.out().trim());
    expect(kill).toMatchObject({ pid: 4321, comm: 'python3', anonRssKb: 64012, killer: 'kernel' });
    const missing = cli(['oom-scan', '/nonexistent/kern.log']);
    expect(await missing.done).toBe(2);
    expect(missing.err()).toContain('cannot read /nonexistent/kern.log: no such file');
  });

  it('serve refuses a port in use and a non-loopback host without --allow-remote, before starting any backend', async () => {
    const dir = tmp();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      writeFileSync(path.join(dir, 'config.yaml'), 'backends: {}\n');
      const s = cli(['serve', '--config', path.join(dir, 'config.yaml'), '--state-dir', path.join(dir, 'state'), '--port', String(port)]);
      expect(await s.done).toBe(1);
      expect(s.err()).toBe(`vigil: port ${port} is in use; pick another with --port or 0\n`);
      // Refused before the core started: it never created its state directory.
      expect(existsSync(path.join(dir, 'state'))).toBe(false);
      const r = cli(['serve', '--config', path.join(dir, 'config.yaml'), '--state-dir', path.join(dir, 'state'), '--host', '0.0.0.0']);
      expect(await r.done).toBe(1);
      expect(r.err()).toMatch(/^vigil: host 0\.0\.0\.0 is not a loopback address.*--allow-remote/);
      expect(existsSync(path.join(dir, 'state'))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it('a second serve on the same state directory says in one line which pid holds it and where its dashboard is, and exits 1', async () => {
    const dir = tmp();
    const cfg = path.join(dir, 'config.yaml');
    writeFileSync(cfg, 'backends: {}\n');
    const state = path.join(dir, 'state');
    const first = cli(['serve', '--config', cfg, '--state-dir', state, '--port', '0'], { VIGIL_RENDERER_DIR: dir });
    const [, url] = await until(() => /Vigil dashboard: (\S+)/.exec(first.out()), 60_000, `first dashboard URL (stderr: ${first.err()})`);
    expect(JSON.parse(readFileSync(path.join(state, 'vigil.lock'), 'utf8'))).toMatchObject({ pid: first.child.pid, host: 'serve', dashboardUrl: url });
    const second = cli(['serve', '--config', cfg, '--state-dir', state, '--port', '0'], { VIGIL_RENDERER_DIR: dir });
    expect(await second.done).toBe(1);
    expect(second.err()).toBe(`vigil: another Vigil (pid ${first.child.pid}) is already running with state directory ${state}; its dashboard: ${url}\n`);
    expect(second.out()).toBe('');
    // On the first one's own port (as with the systemd unit's fixed port): the Vigil that holds it is named, not a busy port.
    const third = cli(['serve', '--config', cfg, '--state-dir', state, '--port', new URL(url!).port], { VIGIL_RENDERER_DIR: dir });
    expect(await third.done).toBe(1);
    expect(third.err()).toBe(second.err());
    first.child.kill('SIGTERM');
    expect(await first.done).toBe(0);
  }, 180_000);

  it('serve runs the real core: dashboard URL, REST and WS see the backend ready, SIGTERM stops it', async () => {
    const dir = tmp();
    const cfg = path.join(dir, 'config.yaml');
    writeFileSync(cfg, `backends:
  fake:
    cmd: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_SERVER)}, --port, "\${PORT}", --load-ms, "300"]
    health: { interval: 200ms, timeout: 500ms }
    stop: { grace: 2s }
`);
    const s = cli(['serve', '--config', cfg, '--state-dir', path.join(dir, 'state'), '--port', '0'], { VIGIL_RENDERER_DIR: dir });
    const line = await until(() => /Vigil dashboard: (http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+))/.exec(s.out()), 60_000, `dashboard URL (stderr: ${s.err()})`);
    const [, , port, token] = line;
    const auth = { Authorization: `Bearer ${token}` };
    const ready = await until(async () => {
      const st = (await (await fetch(`http://127.0.0.1:${port}/api/state`, { headers: auth })).json()) as VigilState;
      const b = st.backends.find((x) => x.id === 'fake');
      return b?.status === 'ready' ? b : null;
    }, 15_000, 'backend ready');
    expect(ready.pid).toBeGreaterThan(0);
    const pid = ready.pid!;

    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
    const first = await new Promise<VigilState>((res, rej) => {
      ws.once('message', (d) => res((JSON.parse(d.toString()) as { state: VigilState }).state));
      ws.once('error', rej);
    });
    expect(first.backends.map((b) => b.id)).toEqual(['fake']);
    ws.close();

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: auth })).text();
    expect(metrics).toContain('vigil_backend_up{backend="fake"} 1');

    s.child.kill('SIGTERM');
    expect(await s.done).toBe(0);
    // The backend process is gone (or a zombie nobody owns any more), not left running.
    const alive = (() => {
      try {
        return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    })();
    expect(alive).toBe(false);
  }, 180_000);
});
