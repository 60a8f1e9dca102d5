import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OomKill } from '../../../common/oom-kill.js';
import type { WatchedServer } from '../../../common/watch.js';
import { describeDiscrepancy, managedServerState, managerModels } from '../../../common/watch-managers.js';
import { watchedView } from '../../../../test-support/watch/views.js';
import { classify } from '../catalog.js';
import { genaiElectronModel } from './genai-electron.js';
import { lemonade } from './lemonade.js';
import { llamaSwap } from './llama-swap.js';
import { ManagerWatch } from './manager-watch.js';
import { ollama } from './ollama.js';
import { ramalamaModel } from './ramalama.js';
import { reconcile } from './reconcile.js';
import { router } from './router.js';
import type { ManagerAdapter } from './types.js';

const FIX = path.join(__dirname, '..', 'fixtures', 'managers');
interface Proc {
  pid: number;
  argv: string[];
  comm?: string;
}
interface Fixture {
  manager: Proc;
  servers: Proc[];
  /** The manager's API answer(s) and, for Ollama, its manifest. */
  models: { data: { id: string; status: { args: string[] } }[] };
  running: unknown;
  health: unknown;
  ps: unknown;
  manifest: { path: string; body: unknown };
}
const fixture = (name: string): Fixture => JSON.parse(readFileSync(path.join(FIX, `${name}.json`), 'utf8')) as Fixture;
const NOW = 1_800_000_000_000;

const kill = (pid: number, comm = 'llama-server'): OomKill => ({
  id: `k-${pid}`, time: NOW - 40_000, timeText: null, pid, comm, scope: 'memcg', constraint: 'CONSTRAINT_MEMCG', memcg: '/vigil-test', totalVmKb: null,
  anonRssKb: 90_000, fileRssKb: 0, shmemRssKb: 0, uid: 0, oomScoreAdj: 0, killer: 'kernel', trigger: null, backend: null,
} as OomKill);

/** The manager's watched view and its servers' views from a fixture's process tree. */
function tree(f: Pick<Fixture, 'manager' | 'servers'>, kind: WatchedServer['kind'], port: number, label: string): { m: WatchedServer; servers: WatchedServer[] } {
  const mc = f.manager.comm ?? path.basename(f.manager.argv[0]!);
  const m = watchedView({ id: `w-${f.manager.pid}-100`, pid: f.manager.pid, startTime: 100, kind, label, comm: mc, cmdline: f.manager.argv, model: null, listen: [{ host: '0.0.0.0', port }], manager: { pid: 1, comm: 'init', watchedId: null } });
  const servers = f.servers.map((s, i) =>
    watchedView({ id: `w-${s.pid}-${200 + i}`, pid: s.pid, startTime: 200 + i, startedAt: NOW - 60_000, cmdline: s.argv, model: classify({ argv: s.argv })?.model ?? null, listen: [], manager: { pid: f.manager.pid, comm: mc, watchedId: m.id } }),
  );
  return { m, servers };
}

const gone = (s: WatchedServer, over: Partial<WatchedServer> = {}): WatchedServer => ({ ...s, status: 'gone', exitedAt: NOW - 40_000, exitSeenLive: true, healthDetail: 'loading (HTTP 503 /health)', memory: null, ...over });

function view(adapter: ManagerAdapter, m: WatchedServer, all: WatchedServer[], body: unknown, everReady: string[] = [], pidAlive = (_: number) => true) {
  const reading = adapter.read(body);
  return reconcile({
    manager: m, adapter, all, everReady: new Set(everReady), pidAlive,
    api: { path: adapter.path, at: NOW, detail: `GET ${adapter.path}`, reading },
    nameOf: (s, c) => adapter.nameOf?.(s) ?? c?.model ?? null,
  });
}

describe('llama.cpp router', () => {
  const f = fixture('router');
  it('is its own kind, and its children are llama-servers', () => {
    expect(classify({ argv: f.manager.argv })).toMatchObject({ kind: 'llama-router', label: 'llama.cpp router', port: 8080, model: null });
    expect(classify({ argv: ['llama-server', '--models-preset', '/etc/presets.ini'] })?.kind).toBe('llama-router');
    expect(classify({ argv: f.servers[0]!.argv })).toMatchObject({ kind: 'llama-server', model: '/models/tiny.gguf', port: 52111 });
  });

  it('reads loaded from status.value and available from every model, not every model as its model', () => {
    const r = router.read(f.models)!;
    expect(r.available).toEqual(['big', 'small', 'tiny']);
    expect(r.claims.filter((c) => c.alive).map((c) => c.model)).toEqual(['tiny']);
    expect(r.claims.find((c) => c.model === 'big')).toMatchObject({ failed: true, exitCode: 1, says: 'exited with status 1', port: 52113 });
    expect(router.read({ models: [] })).toBeNull();
  });

  it('lists its children under their aliases and shows a child OOM-killed beside the router\'s "exited with status 1"', () => {
    const { m, servers } = tree(f, 'llama-router', 8080, 'llama.cpp router');
    const big = gone(servers[1]!, { lastOom: kill(8170) });
    const v = view(router, m, [m, servers[0]!, big], f.models, [servers[0]!.id]);
    expect(v.servers.map((s) => [s.pid, s.model, s.says])).toEqual([
      [8150, 'tiny', 'loaded'],
      [8170, 'big', 'exited with status 1'],
    ]);
    expect(v.servers[1]).toMatchObject({ failedLoad: true, oom: { pid: 8170 } });
    expect(managedServerState(v.servers[1]!, NOW)).toBe('OOM-killed 40s ago during its load');
    expect(managerModels(v)).toEqual({ loaded: 'tiny', available: 'big, small' });
    expect(v.kills.map((k) => k.pid)).toEqual([8170]);
    expect(v.discrepancies.map((d) => describeDiscrepancy(d, NOW))).toEqual(['The router says big exited with status 1; the kernel killed its llama-server 8170 for memory 40s ago.']);
  });

  it('says so when it lists a model as loaded whose child has died', () => {
    const { m, servers } = tree(f, 'llama-router', 8080, 'llama.cpp router');
    const v = view(router, m, [m, gone(servers[0]!, { healthDetail: 'HTTP 200 /health' })], f.models, [servers[0]!.id]);
    expect(v.servers[0]).toMatchObject({ failedLoad: false, says: 'loaded' });
    expect(v.discrepancies.map((d) => describeDiscrepancy(d, NOW))).toEqual(['The router lists tiny as loaded; its llama-server 8150 has exited 40s ago.']);
  });

  it('a child the router called loaded is no failed load when it dies later, though Vigil never saw it answer', () => {
    const { m, servers } = tree(f, 'llama-router', 8080, 'llama.cpp router');
    const ready = new Set<string>();
    const alive = { ...servers[0]!, healthDetail: 'loading (HTTP 503 /health)' };
    reconcile({ manager: m, adapter: router, all: [m, alive], everReady: ready, pidAlive: () => true, onReady: (id) => ready.add(id), nameOf: () => null, api: { path: '/models', at: NOW, detail: '', reading: router.read(f.models) } });
    expect([...ready]).toEqual([alive.id]);
    const v = view(router, m, [m, gone(alive, { lastOom: kill(8150) })], f.models, [...ready]);
    expect(v.servers[0]).toMatchObject({ failedLoad: false });
    expect(managedServerState(v.servers[0]!, NOW)).toBe('OOM-killed 40s ago');
  });

  it('where the kernel\'s process events told how a child ended, its signal stands beside "exited with status 1"', () => {
    const { m, servers } = tree(f, 'llama-router', 8080, 'llama.cpp router');
    const killed = { ...gone(servers[1]!), exit: { code: null, signal: 'SIGKILL' } };
    const v = view(router, m, [m, killed], f.models);
    expect(v.discrepancies.map((d) => describeDiscrepancy(d, NOW))).toEqual(['The router says big exited with status 1; its llama-server 8170 was killed by SIGKILL 40s ago.']);
    expect(managedServerState(v.servers[0]!, NOW)).toBe('killed by SIGKILL 40s ago during its load');
    // The OOM kills of servers Vigil never watched, as the watcher keeps them on the manager, are its servers' kills too.
    const withUnseen = view(router, { ...m, serverOoms: [kill(9999)] } as WatchedServer, [m], f.models);
    expect(withUnseen.kills.map((k) => k.pid)).toEqual([9999]);
  });

  it('a child of another router (a pid reused after this one started) is not its server', () => {
    const { m, servers } = tree(f, 'llama-router', 8080, 'llama.cpp router');
    const older = { ...servers[0]!, startTime: 50 };
    expect(view(router, m, [m, older], f.models).servers).toEqual([]);
  });
});

describe('Ollama', () => {
  const f = fixture('ollama');
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-ollama-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const manifest = path.join(dir, f.manifest.path);
  mkdirSync(path.dirname(manifest), { recursive: true });
  const text = JSON.stringify(f.manifest.body);
  writeFileSync(manifest, text);
  const digest = createHash('sha256').update(text).digest('hex');
  const ps: unknown = JSON.parse(JSON.stringify(f.ps).replace('DIGEST', digest));
  const withDir = { ...f, servers: f.servers.map((s) => ({ ...s, argv: s.argv.map((a) => a.replace('MODELS', dir)) })) };

  it('names its llama-server by its model name, not its blob path', () => {
    const { m, servers } = tree(withDir, 'ollama', 11434, 'Ollama');
    expect(ollama.nameOf!(servers[0]!)).toBe('tiny:latest');
    const v = view(ollama, m, [m, servers[0]!], ps, [servers[0]!.id]);
    expect(v.servers[0]).toMatchObject({ model: 'tiny:latest', says: 'loaded' });
    expect(v.discrepancies).toEqual([]);
  });

  it('"Ollama lists tiny:latest as loaded; its llama-server was killed"', () => {
    const { m, servers } = tree(withDir, 'ollama', 11434, 'Ollama');
    const v = view(ollama, m, [m, gone(servers[0]!, { lastOom: kill(6140), healthDetail: 'HTTP 200 /health' })], ps, [servers[0]!.id]);
    expect(v.discrepancies.map((d) => describeDiscrepancy(d, NOW))).toEqual(['Ollama lists tiny:latest as loaded; its llama-server 6140 was OOM-killed 40s ago.']);
    expect(managedServerState(v.servers[0]!, NOW)).toBe('OOM-killed 40s ago');
  });
});

describe('llama-swap', () => {
  const f = fixture('llama-swap');
  it('matches /running to its servers by the proxy port, and shows a server OOM-killed during its load', () => {
    const { m, servers } = tree(f, 'llama-swap', 8080, 'llama-swap');
    expect(classify({ argv: f.manager.argv })).toMatchObject({ kind: 'llama-swap', port: 8080 });
    const big = gone(servers[1]!, { lastOom: kill(5311) });
    const v = view(llamaSwap, m, [m, servers[0]!, big], f.running, [servers[0]!.id]);
    expect(v.servers.map((s) => [s.pid, s.model, s.says, s.failedLoad])).toEqual([
      [5230, 'qwen-0.5b', 'ready', false],
      [5311, 'llama-8b', 'starting', true],
    ]);
    expect(v.loaded).toEqual(['llama-8b', 'qwen-0.5b']);
    expect(v.discrepancies.map((d) => describeDiscrepancy(d, NOW))).toEqual(['llama-swap lists llama-8b as starting; its llama-server 5311 was OOM-killed 40s ago.']);
  });
});

describe('lemond', () => {
  const f = fixture('lemond');
  it('matches /api/v1/health by pid and says when its "backend alive" server is a zombie', () => {
    const { m, servers } = tree(f, 'lemonade', 8000, 'Lemonade');
    const ok = view(lemonade, m, [m, servers[0]!], f.health, [servers[0]!.id]);
    expect(ok.servers[0]).toMatchObject({ model: 'user.tiny', says: 'backend alive (pid 7188), health healthy' });
    expect(ok.discrepancies).toEqual([]);
    const z = view(lemonade, m, [m, { ...servers[0]!, status: 'zombie', exitedAt: NOW - 3000, exitSeenLive: true }], f.health, [servers[0]!.id]);
    expect(z.discrepancies.map((d) => describeDiscrepancy(d, NOW))).toEqual([
      "lemond says user.tiny's server (pid 7188) is alive; its llama-server 7188 has exited (a zombie its parent has not reaped) 3s ago.",
    ]);
  });

  it('names a pid it claims that no process has', () => {
    const { m } = tree(f, 'lemonade', 8000, 'Lemonade');
    const v = view(lemonade, m, [m], f.health, [], () => false);
    expect(v.discrepancies.map((d) => describeDiscrepancy(d, NOW))).toEqual(["lemond says user.tiny's server (pid 7188) is alive; no process 7188 exists."]);
  });

  it('a server it runs but does not list is named after a while', () => {
    const { m, servers } = tree(f, 'lemonade', 8000, 'Lemonade');
    const v = view(lemonade, m, [m, { ...servers[0]!, pid: 7300, listen: [{ host: '127.0.0.1', port: 8002 }] }], { all_models_loaded: [] });
    expect(v.discrepancies.map((d) => describeDiscrepancy(d, NOW))).toEqual(['lemond does not list it; its llama-server 7300 on port 8002 is running.']);
  });
});

describe('managers without an API', () => {
  it('RamaLama: the alias it passes', () => {
    const f = fixture('ramalama');
    const s = watchedView({ cmdline: f.servers[0]!.argv, manager: { pid: f.manager.pid, comm: 'ramalama', watchedId: null } });
    expect(ramalamaModel(s)).toBe('tiny');
    expect(ramalamaModel({ ...s, manager: { pid: 1, comm: 'init', watchedId: null } })).toBeNull();
  });
  it('genai-electron: its model store\'s name, its alias, or the file it loads', () => {
    const f = fixture('genai-electron');
    const ud = mkdtempSync(path.join(tmpdir(), 'vigil-genai-'));
    try {
      const argv = f.servers[0]!.argv.map((a) => a.replace('/root/.config/app', ud));
      expect(genaiElectronModel(watchedView({ cmdline: argv }))).toBe('tiny-model');
      mkdirSync(path.join(ud, 'models', 'llm'), { recursive: true });
      writeFileSync(path.join(ud, 'models', 'llm', 'tiny.json'), JSON.stringify({ id: 'tiny', name: 'Tiny chat', path: argv[2] }));
      expect(genaiElectronModel(watchedView({ cmdline: argv }))).toBe('Tiny chat');
    } finally {
      rmSync(ud, { recursive: true, force: true });
    }
    expect(genaiElectronModel(watchedView({ cmdline: f.servers[1]!.argv }))).toBe('tiny-chat');
    expect(genaiElectronModel(watchedView())).toBeNull();
  });
});

describe('ManagerWatch', () => {
  let server: Server;
  afterAll(() => server?.close());

  it('reads a manager at once when one of its servers dies, and republishes the claim beside it', async () => {
    const f = fixture('router');
    let answers = 0;
    let body: unknown = { data: f.models.data.map((d) => (d.id === 'big' ? { ...d, status: { value: 'loading', args: d.status.args } } : d)) };
    server = createServer((req, res) => {
      answers++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.url === '/models' ? body : {}));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const { m, servers } = tree(f, 'llama-router', port, 'llama.cpp router');
    m.cmdline = ['llama-server', '--models-dir', '/models', '--port', String(port)];
    m.listen = [{ host: '127.0.0.1', port }];
    let changes = 0;
    const w = new ManagerWatch({ pollMs: 3_600_000, onChange: () => changes++ });
    try {
      let all = [m, ...servers];
      w.update(all);
      await expect.poll(() => w.decorate(all).find((v) => v.id === m.id)?.managerView?.loaded, { timeout: 10_000 }).toEqual(['big', 'tiny']);
      expect(w.decorate(all).find((v) => v.pid === 8170)?.managedModel).toBe('big');
      const seen = answers;
      // The router's child dies (OOM): the next regular read is an hour away, the event reads it now.
      body = f.models;
      all = [m, servers[0]!, gone(servers[1]!, { lastOom: kill(8170) })];
      w.update(all);
      w.onEvent({ kind: 'exited', time: Date.now(), id: servers[1]!.id, pid: 8170, reason: 'exited', server: all[2]! });
      await expect.poll(() => answers, { timeout: 10_000 }).toBeGreaterThan(seen);
      await expect.poll(() => w.decorate(all).find((v) => v.id === m.id)?.managerView?.discrepancies.map((d) => d.claim), { timeout: 10_000 }).toEqual(['the router says big exited with status 1']);
      expect(changes).toBeGreaterThanOrEqual(2);
    } finally {
      w.close();
    }
  });
});
