// OOM kills from kernel, earlyoom and systemd-oomd lines (parsed by the real
// parser) attributed to watched servers.
import { describe, expect, it } from 'vitest';
import type { OomKill } from '../../common/state.js';
import { scanText } from '../oom/index.js';
import { watchedView } from '../../../test-support/watch/views.js';
import { attributeWatchedKill, describeVictim } from './attribute.js';

const kill = (text: string): OomKill => {
  const kills = scanText(text);
  expect(kills).toHaveLength(1);
  return kills[0]!;
};

// Ollama as a system service with a runner child; a llama-server from a terminal; a zombie left by lemond.
const ollama = watchedView({ id: 'ollama', pid: 1300, comm: 'ollama', kind: 'ollama', unit: { name: 'ollama.service', scope: 'system', uid: null, sole: false }, cgroup: '/system.slice/ollama.service', manager: { pid: 1, comm: 'systemd', watchedId: null }, children: [{ pid: 41233, comm: 'ollama', watchedId: 'runner' }] });
const runner = watchedView({ id: 'runner', pid: 41233, comm: 'ollama', kind: 'ollama-runner', unit: { name: 'ollama.service', scope: 'system', uid: null, sole: false }, cgroup: '/system.slice/ollama.service', manager: { pid: 1300, comm: 'ollama', watchedId: 'ollama' } });
const terminal = watchedView({ id: 'terminal', pid: 5000, comm: 'llama-server', cgroup: '/user.slice/user-1000.slice/session-2.scope', children: [{ pid: 5001, comm: 'llama-server', watchedId: null }] });
const zombie = watchedView({ id: 'zombie', pid: 6000, comm: 'llama-server', status: 'zombie', exitedAt: Date.parse('2026-03-01T10:00:00Z'), cgroup: '/lemonade' });
const servers = [ollama, runner, terminal, zombie];

describe('attributeWatchedKill', () => {
  it('by pid, when the comm agrees', () => {
    const k = kill(
      [
        '[ 8123.456901] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice/user-1000.slice/session-2.scope,task=llama-server,pid=5000,uid=1000',
        '[ 8123.456950] Out of memory: Killed process 5000 (llama-server) total-vm:9011712kB, anon-rss:8212000kB, file-rss:1024kB, shmem-rss:0kB, UID:1000 pgtables:16000kB oom_score_adj:0',
      ].join('\n'),
    );
    expect(attributeWatchedKill(k, servers)).toEqual({ id: 'terminal', by: 'pid', victim: null });
  });

  it('not by a pid that now belongs to another program', () => {
    const k = kill('[ 9.0] Out of memory: Killed process 5000 (firefox) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:100kB oom_score_adj:0');
    expect(attributeWatchedKill(k, servers)).toBeNull();
  });

  it('a child of a watched server that was never watched itself is named as a server of that manager', () => {
    const k = kill('[ 9.0] Out of memory: Killed process 5001 (llama-server) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:100kB oom_score_adj:0');
    expect(attributeWatchedKill(k, servers)).toEqual({ id: 'terminal', by: 'parent', victim: { pid: 5001, comm: 'llama-server', model: null } });
  });

  it('a process never seen: by the parent or process group the kernel events or a scan knew, with the model its command line names', () => {
    const swap = watchedView({ id: 'swap', pid: 7000, comm: 'llama-swap', label: 'llama-swap', kind: 'llama-swap', cgroup: '/user.slice/user-1000.slice/session-2.scope', manager: { pid: 4100, comm: 'bash', watchedId: null } });
    const k = kill('[ 9.0] Out of memory: Killed process 7010 (llama-server) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:100kB oom_score_adj:0');
    const facts = { ppid: 7000, pgrp: 7000, startTime: 99, argv: ['llama-server', '-m', '/models/big-70b.gguf'] };
    const a = attributeWatchedKill(k, [swap], (pid) => (pid === 7010 ? facts : null), (argv) => argv[2] ?? null);
    expect(a).toEqual({ id: 'swap', by: 'parent', victim: { pid: 7010, comm: 'llama-server', model: '/models/big-70b.gguf' } });
    expect(describeVictim(swap, a!.victim!)).toBe('a server of llama-swap 7000 (pid 7010, llama-server, model big-70b.gguf)');
    expect(attributeWatchedKill(k, [swap], () => ({ ...facts, ppid: 1 }))).toMatchObject({ id: 'swap', by: 'pgrp' });
    expect(attributeWatchedKill(k, [swap], () => null)).toBeNull(); // nothing known: nobody's
  });

  it('never to a gone server of the same name in the same cgroup (a swap: A stopped cleanly, B killed in its load)', () => {
    const at = Date.parse('2026-03-01T10:00:00Z');
    const a = watchedView({ id: 'A', pid: 8001, comm: 'llama-server', status: 'gone', exitedAt: at - 3000, cgroup: '/llama-swap', manager: { pid: 8000, comm: 'llama-swap', watchedId: 'swap' } });
    const swap = watchedView({ id: 'swap', pid: 8000, comm: 'llama-swap', label: 'llama-swap', kind: 'llama-swap', cgroup: '/', manager: { pid: 4100, comm: 'bash', watchedId: null } });
    const k = { ...kill('[ 9.0] Out of memory: Killed process 8002 (llama-server) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:100kB oom_score_adj:0'), memcg: '/llama-swap', time: at };
    expect(attributeWatchedKill(k, [a])).toBeNull();
    expect(attributeWatchedKill(k, [a, swap], (pid) => (pid === 8002 ? { ppid: 8000, pgrp: null, startTime: null, argv: null } : null))).toMatchObject({ id: 'swap', by: 'parent' });
    // B itself, watched: by its pid.
    const b = watchedView({ id: 'B', pid: 8002, comm: 'llama-server', status: 'exited', exitedAt: at, cgroup: '/llama-swap' });
    expect(attributeWatchedKill(k, [a, swap, b])).toEqual({ id: 'B', by: 'pid', victim: null });
  });

  it('by its systemd unit (task_memcg), picking the process whose comm the kernel names', () => {
    // A runner Vigil never saw (pid 41300): the unit's top server takes it.
    const k = kill(
      [
        '[ 100.1] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/ollama.service,task=ollama,pid=41300,uid=998',
        '[ 100.1] Out of memory: Killed process 41300 (ollama) total-vm:65011712kB, anon-rss:30212000kB, file-rss:1024kB, shmem-rss:0kB, UID:998 pgtables:60000kB oom_score_adj:0',
      ].join('\n'),
    );
    expect(attributeWatchedKill(k, servers)).toEqual({ id: 'ollama', by: 'unit', victim: { pid: 41300, comm: 'ollama', model: null } });
  });

  it('a systemd-oomd kill of the unit\'s cgroup', () => {
    const k = kill('Dec 18 19:34:56 host systemd-oomd[840]: Killed /system.slice/ollama.service due to memory pressure for /system.slice being 81.07% > 80.00% for > 20s with reclaim activity');
    expect(attributeWatchedKill(k, servers)).toEqual({ id: 'ollama', by: 'unit', victim: null });
  });

  it('never by comm and time, nor by cgroup and comm, to a server that had exited: another process of that name is not it', () => {
    const k = kill('Mar 01 10:00:02 host earlyoom[1295]: sending SIGKILL to process 6999 uid 1000 "llama-server": oom_score 900, VmRSS 43912 MiB');
    const withTime = { ...k, time: Date.parse('2026-03-01T10:00:02Z') };
    expect(attributeWatchedKill(withTime, [zombie])).toBeNull();
    expect(attributeWatchedKill({ ...withTime, memcg: '/lemonade' }, [zombie])).toBeNull();
  });

  it("by a live manager's own cgroup, when one manager owns it", () => {
    const lemond = watchedView({ id: 'lemond', pid: 6500, comm: 'lemond', label: 'Lemonade', kind: 'lemonade', cgroup: '/lemonade' });
    const k = { ...kill('[ 9.0] Out of memory: Killed process 6999 (llama-server) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:100kB oom_score_adj:0'), memcg: '/lemonade' };
    expect(attributeWatchedKill(k, [zombie, lemond])).toEqual({ id: 'lemond', by: 'memcg', victim: { pid: 6999, comm: 'llama-server', model: null } });
  });

  it('not a kill logged before the server started (a backlog line about an earlier process with its pid)', () => {
    const k = { ...kill('[ 9.0] Out of memory: Killed process 5000 (llama-server) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:100kB oom_score_adj:0'), time: terminal.startedAt! - 60_000 };
    expect(attributeWatchedKill(k, servers)).toBeNull();
    expect(attributeWatchedKill({ ...k, time: terminal.startedAt! + 60_000 }, servers)).toEqual({ id: 'terminal', by: 'pid', victim: null });
  });

  it('a kill of an unrelated process in a shared session scope is nobody\'s', () => {
    const k = kill(
      [
        '[ 1.0] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/user.slice/user-1000.slice/session-2.scope,task=chrome,pid=7777,uid=1000',
        '[ 1.0] Out of memory: Killed process 7777 (chrome) total-vm:1000kB, anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:100kB oom_score_adj:300',
      ].join('\n'),
    );
    expect(attributeWatchedKill(k, servers)).toBeNull();
  });
});
