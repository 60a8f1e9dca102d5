// The watcher against real processes: servers started from a shell or by a
// manager that never reaps, real signals, real pidfds, real /proc.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { OomKill } from '../../common/state.js';
import { describeWatched, watchActions, type WatchEvent, type WatchedServer } from '../../common/watch.js';
import { waitFor } from '../../../test-support/helpers.js';
import { PYTHON, fakeServerArgv, pickFreePort, namedNode, realLlamaServer, routerArgv, startCareless, startFromShell, startLateListener, waitForPort, type Managed, type ShellStarted } from '../../../test-support/watch/servers.js';
import { Watcher } from './watcher.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function watcher(config: ConstructorParameters<typeof Watcher>[0] = {}): { w: Watcher; events: WatchEvent[] } {
  const events: WatchEvent[] = [];
  const w = new Watcher({ strict: true, ...config, onEvent: (e) => events.push(e) });
  cleanups.push(() => w.close());
  return { w, events };
}

const byPid = (w: Watcher, pid: number): WatchedServer | undefined => w.list().find((s) => s.pid === pid);

async function shellServer(extra: string[] = []): Promise<ShellStarted> {
  const node = namedNode('llama-server');
  cleanups.push(node.cleanup);
  const port = await pickFreePort();
  const s = await startFromShell(fakeServerArgv(node.bin, port, extra), port);
  cleanups.push(() => {
    s.kill('SIGKILL');
    s.shell.kill('SIGKILL');
  });
  return s;
}

async function careless(argv: string[], opts: Parameters<typeof startCareless>[1] = {}): Promise<Managed> {
  const m = await startCareless(argv, opts);
  cleanups.push(() => m.kill());
  return m;
}

describe('Watcher: discovery', () => {
  it('finds a llama-server started from a shell at the first tick after it starts, with its port, parent, command line and model', async () => {
    const { w } = watcher({ config: { health: { interval: '100ms' } } });
    w.tick(); // the first tick reads every process once
    const s = await shellServer(['-m', '/models/qwen-7b-q4_k_m.gguf']);
    w.tick();
    const v = byPid(w, s.pid);
    expect(v).toBeDefined();
    expect(v!.kind).toBe('llama-server');
    expect(v!.comm).toBe('llama-server');
    expect(v!.listen.map((l) => l.port)).toContain(s.port);
    expect(v!.manager).toMatchObject({ pid: s.shell.pid, comm: 'sh' });
    expect(v!.cmdline).toContain('--port');
    expect(v!.model).toBe('/models/qwen-7b-q4_k_m.gguf');
    expect(v!.status).toBe('running');
    // Its own API answers: llama-server's /health.
    const healthy = await waitFor(() => {
      w.tick();
      return byPid(w, s.pid)?.healthAt ? byPid(w, s.pid) : null;
    }, 10_000, 'a health answer');
    expect(healthy.healthDetail).toBe('HTTP 200 /health');
    expect(healthy.memory?.rss).toBeGreaterThan(1024 * 1024);
  });

  it('finds the real llama-server (router mode, no model) started from a shell', async (ctx) => {
    const real = realLlamaServer();
    if ('missing' in real) {
      console.warn(`[skip] ${real.missing}`);
      ctx.skip();
      return;
    }
    const { w } = watcher({ config: { health: { interval: '100ms' } } });
    w.tick();
    const port = await pickFreePort();
    const s = await startFromShell(routerArgv(real.bin, port), port);
    cleanups.push(() => {
      s.kill('SIGKILL');
      s.shell.kill('SIGKILL');
    });
    w.tick();
    const v = byPid(w, s.pid);
    expect(v?.kind).toBe('llama-router');
    expect(v?.exe).toBe(real.bin);
    expect(v?.listen.map((l) => l.port)).toContain(port);
    const healthy = await waitFor(() => {
      w.tick();
      return byPid(w, s.pid)?.healthAt ? byPid(w, s.pid) : null;
    }, 10_000, 'a health answer');
    expect(healthy.healthDetail).toBe('HTTP 200 /health');
  });

  it("a watched server's GPU use: its pids are offered for the GPU read, and the use of it and its children is summed per device into its view", async () => {
    const { w } = watcher();
    w.tick();
    const s = await shellServer();
    w.tick();
    expect(w.gpuPids()).toContain(s.pid);
    const before = w.version;
    w.applyGpu([
      { pid: s.pid, device: 'card1', vram: 1024, gtt: 4096 },
      { pid: s.pid, device: 'nvidia0', vram: 2048, gtt: 0 },
      { pid: 1, device: 'card1', vram: 1, gtt: 1 }, // not its process
    ]);
    expect(w.version).toBeGreaterThan(before);
    expect(byPid(w, s.pid)!.memory!.gpu).toEqual([
      { device: 'card1', vram: 1024, gtt: 4096 },
      { device: 'nvidia0', vram: 2048, gtt: 0 },
    ]);
    // The next tick's RSS update keeps it; a reading without its pids clears it.
    w.tick();
    expect(byPid(w, s.pid)!.memory!.gpu).toHaveLength(2);
    w.applyGpu([]);
    expect(byPid(w, s.pid)!.memory!.gpu).toBeUndefined();
  });

  it('a server found before it listens gets its port at the first tick after it does', async () => {
    const { w } = watcher();
    w.tick();
    const s = await startLateListener('llama-server');
    cleanups.push(s.cleanup);
    w.tick();
    expect(byPid(w, s.pid)).toMatchObject({ kind: 'llama-server', listen: [] });
    await s.listen();
    w.tick();
    expect(byPid(w, s.pid)!.listen).toEqual([{ host: '127.0.0.1', port: s.port }]);
  });

  it('a watch: rule by port finds a server the catalog does not know', async () => {
    const port = await pickFreePort();
    const plain = watcher();
    const ruled = watcher({ config: { rules: [{ name: 'static files', port }] } });
    plain.w.tick();
    ruled.w.tick();
    const http = spawn(PYTHON, ['-m', 'http.server', String(port), '--bind', '127.0.0.1'], { stdio: 'ignore' });
    cleanups.push(() => http.kill('SIGKILL'));
    await waitForPort(port);
    plain.w.tick();
    ruled.w.tick();
    expect(byPid(plain.w, http.pid!)).toBeUndefined();
    const v = byPid(ruled.w, http.pid!);
    expect(v).toMatchObject({ kind: 'rule', label: 'static files', rule: 'static files' });
    expect(v!.listen.map((l) => l.port)).toEqual([port]);
  });

  it('leaves alone what a watch: ignore rule names, even when the catalog knows it', async () => {
    const { w } = watcher({ config: { ignore: [{ exe: 'llama-server', cmdline: '--ctx-size 77' }] } });
    w.tick();
    const ignored = await shellServer(['--ctx-size', '77']);
    const kept = await shellServer(['--ctx-size', '78']);
    w.tick();
    expect(byPid(w, ignored.pid)).toBeUndefined();
    expect(byPid(w, kept.pid)?.kind).toBe('llama-server');
  });

  it('never lists what Vigil owns; a watched server that Vigil takes over leaves the list', async () => {
    const { w } = watcher();
    w.tick();
    const s = await shellServer();
    w.tick({ pids: [s.pid] });
    expect(byPid(w, s.pid)).toBeUndefined();
    w.tick({ pgids: [s.shell.pid!] }); // the shell's group: still Vigil's
    expect(byPid(w, s.pid)).toBeUndefined();
    w.tick({});
    expect(byPid(w, s.pid)?.status).toBe('running');
    w.tick({ pids: [s.pid] });
    expect(byPid(w, s.pid)).toBeUndefined();
  });
});

describe('Watcher: exits, hangs and zombies', () => {
  it('sees the exit through the pidfd with no tick in between; a parent that reaps at once is not flagged', async () => {
    const { w, events } = watcher({ config: { zombieGrace: '300ms' } });
    w.tick();
    const s = await shellServer();
    w.tick();
    const id = byPid(w, s.pid)!.id;
    s.kill('SIGKILL');
    // No tick from here on: only the pidfd can tell.
    const exited = await waitFor(() => events.find((e) => e.kind === 'exited' && e.id === id), 30_000, 'the exited event');
    // With the kernel's process events (root) Vigil knows how it ended; without, it says it cannot.
    expect(exited.reason).toMatch(w.births.source === 'proc-events' ? /exited, killed by SIGKILL \(the kernel's process events\)$/ : /exit status not available/);
    const gone = await waitFor(() => (w.get(id)?.status === 'gone' ? w.get(id) : null), 30_000, 'gone');
    expect(gone.reapedBy).toBe(`its parent sh ${s.shell.pid}`);
    expect(events.filter((e) => e.id === id).map((e) => e.kind)).toEqual(['discovered', 'exited']);
  });

  it('reports a SIGSTOPped server unhealthy at the next tick, and recovered after SIGCONT', async () => {
    const { w, events } = watcher();
    w.tick();
    const s = await shellServer();
    w.tick();
    const id = byPid(w, s.pid)!.id;
    process.kill(s.pid, 'SIGSTOP');
    await waitFor(() => {
      w.tick();
      return w.get(id)?.status === 'unhealthy';
    }, 5000, 'unhealthy');
    expect(w.get(id)!.healthDetail).toMatch(/stopped \(state T\)/);
    expect(describeWatched(w.get(id)!, Date.now())).toMatch(/is unhealthy: stopped/);
    process.kill(s.pid, 'SIGCONT');
    await waitFor(() => {
      w.tick();
      return w.get(id)?.status === 'running';
    }, 5000, 'running again');
    expect(events.filter((e) => e.id === id).map((e) => e.kind)).toEqual(['discovered', 'unhealthy', 'recovered']);
  });

  it('flags the zombie a careless manager leaves, with the manager and for how long, and clears it when init reaps it', async () => {
    const real = realLlamaServer();
    const port = await pickFreePort();
    let argv: string[];
    if ('bin' in real) argv = routerArgv(real.bin, port);
    else {
      const node = namedNode('llama-server');
      cleanups.push(node.cleanup);
      argv = fakeServerArgv(node.bin, port);
    }
    const { w, events } = watcher({ config: { zombieGrace: '300ms' } });
    w.tick();
    const m = await careless(argv, { comm: 'lemond' });
    await waitForPort(port);
    w.tick();
    const found = byPid(w, m.pid)!;
    expect(found.manager).toMatchObject({ pid: m.managerPid, comm: 'lemond' });
    process.kill(m.pid, 'SIGKILL');
    const flagged = await waitFor(() => events.find((e) => e.kind === 'zombie' && e.pid === m.pid), 30_000, 'the zombie event');
    // Flagged after the 300 ms grace: the line says so without counting milliseconds.
    expect(flagged.reason).toMatch(new RegExp(`^llama-server ${m.pid} exited (just now|\\d+s ago)${w.births.source === 'proc-events' ? ', killed by SIGKILL' : ''}; its parent lemond ${m.managerPid} has not reaped it$`));
    const z = w.get(found.id)!;
    expect(z.status).toBe('zombie');
    expect(z.zombieSince).toBe(z.exitedAt);
    expect(z.zombieParent).toMatchObject({ pid: m.managerPid, comm: 'lemond' });
    // Ticks keep it flagged while the manager lives; the duration grows.
    await new Promise((r) => setTimeout(r, 1100));
    w.tick();
    expect(describeWatched(w.get(found.id)!, Date.now())).toMatch(/exited [1-9]\d*s ago(, killed by SIGKILL)?; its parent lemond/);
    const stop = watchActions(w.get(found.id)!, { uid: process.getuid!() }).find((a) => a.action === 'stop')!;
    expect(stop.available).toBe(false);
    expect(stop.why).toMatch(`only its parent lemond ${m.managerPid} can reap it`);
    // The manager dies; init inherits the zombie and reaps it. No tick needed: the manager's pidfd says so.
    process.kill(m.managerPid, 'SIGKILL');
    const reaped = await waitFor(() => events.find((e) => e.kind === 'reaped' && e.pid === m.pid), 30_000, 'the reaped event');
    expect(reaped.reason).toMatch(`after its parent lemond ${m.managerPid} ended`);
    const after = w.get(found.id)!;
    expect(after.status).toBe('gone');
    expect(after.zombieSince).toBeNull();
    expect(events.filter((e) => e.pid === m.pid).map((e) => e.kind)).toEqual(['discovered', 'exited', 'zombie', 'reaped']);
  });
});

describe('Watcher: servers that exited before they were seen', () => {
  it('finds a zombie its manager left by its name alone, and gives it the OOM kill whose line came first', async () => {
    const node = namedNode('llama-server');
    cleanups.push(node.cleanup);
    // Without the kernel's process events (as without root): only ticks find it, after its exit. Other
    // llama-servers on the machine (other test files run meanwhile) exit too, and a kill by comm and time could
    // go to one of them: every server with a command line is ignored, the zombie (none) is not.
    const { w, events } = watcher({ config: { zombieGrace: '200ms', ignore: [{ cmdline: '.' }] }, procEvents: false });
    w.tick();
    const m = await careless([node.bin, '-e', 'process.exit(3)'], { comm: 'lemond' });
    await waitFor(() => /\) Z /.test(readFileSync(`/proc/${m.pid}/stat`, 'utf8')), 30_000, 'the child to be a zombie');
    // The kernel's line arrives before any tick has found its victim: Vigil looks at that pid at once, and it is the victim's own.
    const kill = { id: `test:${m.pid}`, time: Date.now(), pid: m.pid, comm: 'llama-server', killer: 'kernel', memcg: null, scope: 'memcg' } as OomKill;
    expect(w.attributeKill(kill)).toMatchObject({ by: 'pid', victim: null, kill: { watched: { by: 'pid', pid: m.pid } } });
    w.tick();
    const z = byPid(w, m.pid)!;
    expect(z).toMatchObject({ kind: 'llama-server', cmdline: [], exitSeenLive: false, manager: { pid: m.managerPid, comm: 'lemond' }, lastOom: { id: kill.id } });
    expect(events.filter((e) => e.pid === m.pid).map((e) => e.kind)).toEqual(['discovered', 'exited', 'oom']);
    const flagged = await waitFor(() => events.find((e) => e.kind === 'zombie' && e.pid === m.pid), 30_000, 'the zombie to be flagged');
    // Its exit time is only when Vigil first saw it exited: the line says no more than that.
    expect(flagged.reason).toMatch(new RegExp(`^llama-server ${m.pid} exited (before Vigil found it|at least \\d+s ago) \\(OOM-killed\\); its parent lemond ${m.managerPid} has not reaped it$`));
    // One victim per kill: offered again, it is not attributed twice.
    expect(w.attributeKill(kill)).toBeNull();
  });
});

describe('Watcher: actions', () => {
  it('stops a watched server with SIGTERM through its pidfd, and gives what adoption needs', async () => {
    const { w } = watcher();
    w.tick();
    const s = await shellServer(['-m', 'm.gguf']);
    w.tick();
    const id = byPid(w, s.pid)!.id;
    const spec = w.adoptionSpec(id);
    expect(spec?.argv).toEqual(byPid(w, s.pid)!.cmdline);
    expect(spec?.cwd).toBe(process.cwd());
    expect(spec?.env?.PATH).toBe(process.env.PATH);
    const r = await w.stop(id, { graceMs: 5000 });
    expect(r).toEqual({ ok: true, detail: `llama-server ${s.pid} exited after SIGTERM` });
    expect(w.get(id)!.status).not.toBe('running');
    expect((await w.stop(id)).ok).toBe(false); // nothing left to stop
  });

  it('refuses to restart a server that no systemd unit runs', async () => {
    const { w } = watcher();
    w.tick();
    const s = await shellServer();
    w.tick();
    const r = await w.restartUnit(byPid(w, s.pid)!.id);
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/not run by a systemd service/);
  });
});
