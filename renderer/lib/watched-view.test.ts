import { describe, expect, it } from 'vitest';
import type { WatchedServer } from '../../electron/common/watch.js';
import { formatClock } from './format.js';
import { sortWatched, watchedButtons, watchedFacts, watchedTone, zombieNote } from './watched-view.js';

// (The renderer is type-checked for the browser: it cannot share test-support's Node-side factory.)
const watchedView = (over: Partial<WatchedServer> = {}): WatchedServer => ({
  id: `w-${over.pid ?? 41233}-1000`, kind: 'llama-server', label: 'llama-server', rule: null, pid: 41233, startTime: 1000, startedAt: 0,
  comm: 'llama-server', exe: '/opt/llama.cpp/bin/llama-server', cmdline: ['/opt/llama.cpp/bin/llama-server', '-m', '/models/q.gguf', '--port', '8080'], uid: 1000,
  listen: [{ host: '127.0.0.1', port: 8080 }], listenInferred: false, unit: null, cgroup: null,
  manager: { pid: 40990, comm: 'lemond', watchedId: null }, children: [], model: '/models/q.gguf', apiModels: [],
  status: 'running', since: 0, exitedAt: null, exitSeenLive: false, zombieSince: null, zombieParent: null, reapedBy: null,
  healthDetail: 'HTTP 200 /health', healthAt: 0, lastOom: null, memory: null, oomScoreAdj: null, ...over,
});

const zombie = (over: Partial<WatchedServer> = {}): WatchedServer =>
  watchedView({ status: 'zombie', exitedAt: 1000, exitSeenLive: true, zombieSince: 1000, zombieParent: { pid: 40990, comm: 'lemond', watchedId: null }, memory: null, ...over });

describe('a watched server’s card', () => {
  it('facts: pid, manager, ports, unit, model, health, RSS and the last OOM kill; unknown ones left out', () => {
    const kill = { id: 'k', time: 1_700_000_100_000, timeText: null, pid: 41233, comm: 'llama-server', killer: 'kernel', memcg: '/lemonade', anonRssKb: 163_840, rssKb: null } as WatchedServer['lastOom'];
    const facts = watchedFacts(
      watchedView({
        listen: [{ host: '127.0.0.1', port: 8080 }, { host: '::1', port: 8080 }, { host: '0.0.0.0', port: 9090 }],
        unit: { name: 'llama.service', scope: 'user', uid: 1000, sole: true },
        memory: { rss: 512 * 1024 * 1024, processes: 3 },
        lastOom: kill,
      }),
    );
    expect(facts.map((f) => [f.label, f.text])).toEqual([
      ['PID', '41233'],
      ['Manager', 'lemond 40990'],
      ['Ports', '8080, 9090'],
      ['Unit', 'llama.service (user)'],
      ['Health', 'HTTP 200 /health'],
      ['RSS', '512 MiB (3 processes)'],
      ['Model', '/models/q.gguf'],
      ['Last OOM kill', `${formatClock(kill!.time!)} by the kernel OOM killer in /lemonade, anon RSS 160 MiB`],
    ]);
    const bare = watchedFacts(zombie({ listen: [], model: null, manager: null }));
    expect(bare.map((f) => f.label)).toEqual(['PID', 'Manager']);
    expect(bare[1]!.text).toBe('none (reparented to init)');
    expect(watchedFacts(watchedView({ status: 'gone' })).find((f) => f.key === 'manager')!.text).toBe('lemond 40990 (at its exit)');
    expect(watchedFacts(watchedView({ listenInferred: true })).find((f) => f.key === 'ports')!.text).toBe('8080 (inferred: its fds are not readable)');
    expect(watchedFacts(watchedView({ model: null, apiModels: ['qwen3:8b', 'gemma3'] })).find((f) => f.key === 'model')!.text).toBe('qwen3:8b, gemma3');
  });

  it('buttons: Stop and Adopt while it runs, Restart only with a unit; none for a zombie, which gets a note instead of Reap', () => {
    expect(watchedButtons(watchedView({ manager: { pid: 4100, comm: 'bash', watchedId: null } }), 1000).map((a) => [a.action, a.available])).toEqual([['stop', true], ['adopt', true]]);
    // A live manager's child: Adopt is shown, refused, with the reason.
    expect(watchedButtons(watchedView(), 1000).map((a) => [a.action, a.available])).toEqual([['stop', true], ['adopt', false]]);
    const unit = watchedView({ unit: { name: 'ollama.service', scope: 'system', uid: null, sole: true }, uid: 998 });
    expect(watchedButtons(unit, 1000).map((a) => [a.action, a.available])).toEqual([['stop', false], ['restart', true], ['adopt', false]]);
    expect(watchedButtons(unit, 1000)[0]!.why).toBe('it runs as uid 998 and Vigil as uid 1000: only root may signal it');
    expect(watchedButtons(zombie(), 0)).toEqual([]);
    expect(zombieNote(zombie())).toBe('Vigil cannot reap it: only its parent lemond 40990 can, or init once that parent ends.');
    expect(zombieNote(watchedView())).toBeNull();
    // A unit's zombie still offers the unit's restart (systemd starts a fresh one).
    expect(watchedButtons(zombie({ unit: { name: 'ollama.service', scope: 'system', uid: null, sole: true } }), 0).map((a) => a.action)).toEqual(['restart']);
  });

  it('trouble first: zombies, then unhealthy, running, gone', () => {
    const list = [watchedView({ pid: 5 }), watchedView({ pid: 4, status: 'gone' }), zombie({ pid: 9 }), watchedView({ pid: 7, status: 'unhealthy' }), zombie({ pid: 3 })];
    expect(sortWatched(list).map((s) => `${s.status}:${s.pid}`)).toEqual(['zombie:3', 'zombie:9', 'unhealthy:7', 'running:5', 'gone:4']);
    expect(list.map((s) => watchedTone(s))).toEqual(['ok', 'idle', 'bad', 'warn', 'bad']);
  });

  it('an OOM-killed server that is gone is red and sorts first; an orphan right after the zombies', () => {
    const killed = watchedView({ pid: 8, status: 'gone', lastOom: { id: 'k' } as never });
    const orphan = watchedView({ pid: 2, status: 'orphaned', orphanedFrom: { manager: { pid: 40990, comm: 'ramalama', watchedId: null }, exitedAt: 0 } });
    const list = [watchedView({ pid: 5 }), watchedView({ pid: 4, status: 'gone' }), orphan, killed, watchedView({ pid: 1, status: 'exited' })];
    expect(sortWatched(list).map((s) => `${s.status}:${s.pid}`)).toEqual(['gone:8', 'orphaned:2', 'running:5', 'exited:1', 'gone:4']);
    expect([killed, orphan, watchedView({ status: 'gone' })].map((s) => watchedTone(s))).toEqual(['bad', 'bad', 'idle']);
    expect(watchedFacts(orphan).find((f) => f.key === 'orphaned')?.text).toMatch(/^from ramalama 40990, which exited at \d\d:\d\d:\d\d$/);
  });
});
