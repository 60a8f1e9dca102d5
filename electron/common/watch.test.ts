import { describe, expect, it } from 'vitest';
import { describeWatched, unitRestartArgv, watchActions, watchedProblems, type WatchAction, type WatchActionName, type WatchedServer } from './watch.js';
import { WatchConfigSchema } from './watch-schema.js';

// (electron/common is type-checked for the browser too, so it cannot share test-support's Node-side factory.)
const watchedView = (over: Partial<WatchedServer> = {}): WatchedServer => ({
  id: 'w-41233-1000', kind: 'llama-server', label: 'llama-server', rule: null, pid: 41233, startTime: 1000, startedAt: 0,
  comm: 'llama-server', exe: '/opt/llama.cpp/bin/llama-server', cmdline: ['/opt/llama.cpp/bin/llama-server', '--port', '8080'], uid: 1000,
  listen: [{ host: '127.0.0.1', port: 8080 }], listenInferred: false, unit: null, cgroup: null,
  manager: { pid: 40990, comm: 'lemond', watchedId: null }, children: [], model: null, apiModels: [],
  status: 'running', since: 0, exitedAt: null, exitSeenLive: false, zombieSince: null, zombieParent: null, reapedBy: null,
  healthDetail: 'HTTP 200 /health', healthAt: 0, lastOom: null, memory: null, oomScoreAdj: null, ...over,
});

const action = (list: WatchAction[], name: WatchActionName): WatchAction => list.find((a) => a.action === name)!;
const me = { uid: 1000 };

describe('describeWatched', () => {
  it('names the zombie, how long ago it exited and the parent that has not reaped it', () => {
    const v = watchedView({ status: 'zombie', exitedAt: 1000, exitSeenLive: true, zombieSince: 1000, zombieParent: { pid: 40990, comm: 'lemond', watchedId: null } });
    expect(describeWatched(v, 38_000)).toBe('llama-server 41233 exited 37s ago; its parent lemond 40990 has not reaped it');
  });

  it('says "at least" when the exit was not seen as it happened, and names an OOM kill', () => {
    const v = watchedView({ status: 'zombie', exitedAt: 0, exitSeenLive: false, zombieParent: { pid: 7, comm: 'llama-swap', watchedId: 'w-7-1' }, lastOom: { killer: 'kernel' } as never });
    expect(describeWatched(v, 65_000)).toBe('llama-server 41233 exited at least 1m 05s ago (OOM-killed); its parent llama-swap 7 has not reaped it');
    expect(describeWatched(v, 400)).toBe('llama-server 41233 exited before Vigil found it (OOM-killed); its parent llama-swap 7 has not reaped it');
  });

  it('says "just now" for an exit less than a second old, not milliseconds', () => {
    const v = watchedView({ status: 'zombie', exitedAt: 1000, exitSeenLive: true, zombieSince: 1000, zombieParent: { pid: 40990, comm: 'lemond', watchedId: null } });
    expect(describeWatched(v, 1301)).toBe('llama-server 41233 exited just now; its parent lemond 40990 has not reaped it');
    expect(describeWatched(v, 2000)).toBe('llama-server 41233 exited 1s ago; its parent lemond 40990 has not reaped it');
  });

  it('words the other states', () => {
    expect(describeWatched(watchedView(), 0)).toBe('llama-server 41233 is running on port 8080');
    expect(describeWatched(watchedView({ status: 'unhealthy', healthDetail: 'timeout after 2000 ms (/health on port 8080)' }), 0)).toBe('llama-server 41233 is unhealthy: timeout after 2000 ms (/health on port 8080)');
    expect(describeWatched(watchedView({ status: 'gone', reapedBy: 'init (systemd 1), after its parent lemond 40990 ended' }), 0)).toBe('llama-server 41233 exited; reaped by init (systemd 1), after its parent lemond 40990 ended');
    expect(describeWatched(watchedView({ status: 'gone', exitedAt: 1000, exitSeenLive: true, reapedBy: 'its parent bash 7' }), 15_000)).toBe('llama-server 41233 exited 14s ago; reaped by its parent bash 7');
  });
});

describe('watchActions', () => {
  it('a running server from a terminal: stop (with confirmation) and adopt; no restart without a unit', () => {
    const a = watchActions(watchedView({ manager: { pid: 3001, comm: 'bash', watchedId: null } }), me);
    expect(action(a, 'stop')).toMatchObject({ available: true, confirm: expect.stringContaining('Vigil did not start it') });
    expect(action(a, 'restart')).toMatchObject({ available: false, why: expect.stringContaining('not run by a systemd service') });
    expect(action(a, 'adopt')).toMatchObject({ available: true, confirm: expect.stringContaining('starts again under Vigil') });
  });

  it('a zombie: nothing Vigil can do to it, and the reason names the parent', () => {
    const a = watchActions(watchedView({ status: 'zombie', zombieParent: { pid: 40990, comm: 'lemond', watchedId: null } }), me);
    expect(action(a, 'stop')).toMatchObject({ available: false, why: 'it has already exited; only its parent lemond 40990 can reap it (if that parent ends, init reaps it)' });
    expect(action(a, 'adopt').available).toBe(false);
  });

  it('a system unit: restart through systemctl, adopt refused (systemd would start a second copy)', () => {
    const v = watchedView({ kind: 'ollama', comm: 'ollama', uid: 998, unit: { name: 'ollama.service', scope: 'system', uid: null, sole: false }, manager: { pid: 1, comm: 'systemd', watchedId: null } });
    const a = watchActions(v, { uid: 0 });
    expect(action(a, 'restart')).toMatchObject({ available: true, argv: ['systemctl', 'restart', 'ollama.service'], confirm: expect.stringContaining('the whole unit') });
    expect(action(a, 'adopt')).toMatchObject({ available: false, why: expect.stringContaining('systemd unit ollama.service') });
    expect(action(a, 'stop').available).toBe(true); // root may signal uid 998
    // Not root: another user's process cannot be signalled; systemctl may still ask polkit.
    const b = watchActions(v, me);
    expect(action(b, 'stop')).toMatchObject({ available: false, why: 'it runs as uid 998 and Vigil as uid 1000: only root may signal it' });
    expect(action(b, 'restart')).toMatchObject({ available: true, why: expect.stringContaining('polkit') });
  });

  it('a user unit: systemctl --user, only for the unit of Vigil\'s own user', () => {
    const unit = { name: 'llama.service', scope: 'user' as const, uid: 1000, sole: true };
    expect(unitRestartArgv(unit)).toEqual(['systemctl', '--user', 'restart', 'llama.service']);
    expect(action(watchActions(watchedView({ unit }), me), 'restart').available).toBe(true);
    expect(action(watchActions(watchedView({ unit: { ...unit, uid: 1001 }, uid: 1001 }), me), 'restart')).toMatchObject({ available: false, why: expect.stringContaining('user unit of uid 1001') });
  });

  it('a worker its manager started is not adopted', () => {
    expect(action(watchActions(watchedView({ kind: 'ollama-runner' }), me), 'adopt').available).toBe(false);
    expect(action(watchActions(watchedView({ manager: { pid: 7, comm: 'llama-swap', watchedId: 'w-7-1' } }), me), 'adopt')).toMatchObject({ available: false, why: 'its manager llama-swap 7 started it and would lose track of it' });
  });

  it('a gone server can still be restarted through its unit, not stopped', () => {
    const a = watchActions(watchedView({ status: 'gone', unit: { name: 'llama.service', scope: 'system', uid: null, sole: true } }), { uid: 0 });
    expect(action(a, 'stop').available).toBe(false);
    expect(action(a, 'restart').available).toBe(true);
  });
});

describe('watchedProblems', () => {
  it('counts zombies, orphans and recent OOM kills (a manager\'s servers\' too), for the header and tray', () => {
    const now = 1_000_000_000;
    const kill = (id: string, time: number) => ({ id, time }) as never;
    const list = [
      watchedView({ pid: 1, status: 'zombie', lastOom: kill('a', now - 1000) }),
      watchedView({ pid: 2, status: 'orphaned' }),
      watchedView({ pid: 3, status: 'gone', lastOom: kill('b', now - 20 * 60_000) }), // long ago: history, not a problem
      watchedView({ pid: 4, status: 'running', serverOoms: [kill('c', now - 5000)] }),
      watchedView({ pid: 5 }),
    ];
    expect(watchedProblems(list, now)).toEqual({ zombies: 1, orphans: 1, recentOoms: 2, text: '1 zombie, 1 orphan, 2 OOM kills' });
    expect(watchedProblems([watchedView()], now).text).toBeNull();
  });
});

describe('adopt only where it cannot break a manager', () => {
  const parent = (pid: number, comm: string): WatchedServer['manager'] => ({ pid, comm, watchedId: null });
  it('is refused while the parent lives and is not a shell or init, saying why', () => {
    for (const m of ['lemond', 'llama-swap', 'python3', 'node', 'electron', 'ollama']) {
      const a = action(watchActions(watchedView({ manager: parent(40990, m) }), me), 'adopt');
      expect(a.available, m).toBe(false);
      expect(a.why).toBe(`its parent ${m} 40990 is alive and is not a shell or init: it started this server and would see its worker stop (or exit itself); stop that manager's model through the manager instead`);
    }
  });
  it('is offered for a server of a shell, a terminal multiplexer, init, or an orphan', () => {
    for (const m of [parent(4100, 'bash'), parent(4100, 'zsh'), parent(4100, 'tmux: server'), parent(1, 'systemd'), parent(1, 'init'), null]) expect(action(watchActions(watchedView({ manager: m }), me), 'adopt').available, m?.comm ?? 'none').toBe(true);
    const orphan = watchedView({ status: 'orphaned', manager: parent(1, 'init'), orphanedFrom: { manager: parent(40990, 'ramalama')!, exitedAt: 0 } });
    expect(action(watchActions(orphan, me), 'adopt').available).toBe(true);
    expect(action(watchActions(orphan, me), 'stop')).toMatchObject({ available: true, confirm: expect.stringMatching(/^Stop llama-server 41233\? Vigil did not start it\. It is left over: its manager ramalama 40990 exited at \d\d:\d\d:\d\d\.$/) });
    expect(describeWatched(orphan, 0)).toMatch(/^llama-server 41233 is orphaned from ramalama 40990 \(exited at \d\d:\d\d:\d\d\); it still runs$/);
  });
});

describe('WatchConfigSchema', () => {
  it('fills defaults', () => {
    expect(WatchConfigSchema.parse({})).toEqual({ enabled: true, catalog: true, rules: [], ignore: [], health: { interval: 4000, timeout: 2000, unhealthyAfter: 2 }, zombieGrace: 2000 });
  });

  it('normalises rules: unit names, durations, health path', () => {
    const c = WatchConfigSchema.parse({ rules: [{ name: 'tts', unit: 'piper', cmdline: 'piper.*--port' }], health: { interval: '10s' }, zombieGrace: '5s' });
    expect(c.rules[0]).toEqual({ name: 'tts', unit: 'piper.service', cmdline: 'piper.*--port', health: '/' });
    expect(c.health.interval).toBe(10_000);
    expect(c.zombieGrace).toBe(5000);
  });

  it('says what is wrong and where', () => {
    const issues = (v: unknown): string[] => {
      const r = WatchConfigSchema.safeParse(v);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues({ rules: [{ name: 'x' }] })).toEqual(['rules.0: give at least one of cmdline, exe, unit, port']);
    expect(issues({ rules: [{ name: 'x', cmdline: '(' }] })[0]).toMatch(/^rules\.0\.cmdline: invalid regular expression/);
    expect(issues({ rules: [{ name: 'x', port: 70000 }] })[0]).toMatch(/^rules\.0\.port: /);
    expect(issues({ ignore: [{ exe: 'lemond', bogus: 1 }] })[0]).toMatch(/^ignore\.0: /);
    expect(issues({ health: { interval: 'soon' } })).toEqual(['health.interval: invalid duration "soon": use e.g. 500ms, 2s, 5m or a number of ms']);
  });
});
