import { describe, expect, it } from 'vitest';
import type { OomKill } from '../../common/state.js';
import { attributeKill, isSystemWide, type AttributionInputs, type Consumer } from './attribute.js';
import { parseLines } from './parser.js';

const kernel = (...lines: string[]): OomKill => {
  const kills = parseLines(lines.map((text) => ({ text, timeText: null, time: 1_000_000, source: 'kernel' as const })));
  expect(kills).toHaveLength(1);
  return kills[0]!;
};
const summary = (constraint: string, memcg: string, pid: number, comm = 'x'): string =>
  `oom-kill:constraint=${constraint},nodemask=(null),cpuset=/,mems_allowed=0,${memcg === '' ? 'global_oom' : `oom_memcg=${memcg}`},task_memcg=${memcg || '/user.slice'},task=${comm},pid=${pid},uid=1000`;

const systemWide = (pid: number, comm = 'firefox'): OomKill =>
  kernel(summary('CONSTRAINT_NONE', '', pid, comm), `Out of memory: Killed process ${pid} (${comm}) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB`);
const inCgroup = (memcg: string, pid: number, comm = 'python3'): OomKill =>
  kernel(summary('CONSTRAINT_MEMCG', memcg, pid, comm), `Memory cgroup out of memory: Killed process ${pid} (${comm}) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB`);

const GiB = 2 ** 30;
const consumers: Consumer[] = [
  { backend: 'llama', rssBytes: 8 * GiB },
  { backend: 'whisper', rssBytes: 1 * GiB },
];

/** llama owned pids 100-102, whisper 200, between t=500_000 and t=2_000_000. */
function inputs(over: Partial<AttributionInputs> = {}): AttributionInputs {
  const owned: Record<number, string> = { 100: 'llama', 101: 'llama', 102: 'llama', 200: 'whisper' };
  return {
    ownerOf: (pid, time) => (time !== null && time >= 500_000 && time <= 2_000_000 ? (owned[pid] ?? null) : null),
    consumersAt: () => consumers,
    memoryNodes: 1,
    ...over,
  };
}

describe('attributeKill', () => {
  it('names the backend whose leader or tree process the victim was at the time of the kill', () => {
    expect(attributeKill(systemWide(200, 'whisper'), inputs())).toEqual({ backend: 'whisper', largestConsumer: null });
    expect(attributeKill(inCgroup('/vigil/llama', 102, 'worker'), inputs())).toEqual({ backend: 'llama', largestConsumer: null });
  });

  it('does not blame a backend by its memory cgroup name for a pid it never owned (backlog, other instance)', () => {
    const k = inCgroup('/vigil/llama', 4321);
    expect(attributeKill(k, inputs())).toEqual({ backend: null, largestConsumer: null });
    // The same pid, owned by llama only later: a kill before that is not llama's.
    const early = { ...inCgroup('/vigil/llama', 100), time: 100_000 };
    expect(attributeKill(early, inputs())).toEqual({ backend: null, largestConsumer: null });
  });

  it('a kill inside another memory cgroup carries no backend and no largest consumer', () => {
    const k = inCgroup('/user.slice/user-1000.slice/app-firefox.scope', 5555, 'firefox');
    expect(k.constraint).toBe('CONSTRAINT_MEMCG');
    expect(attributeKill(k, inputs())).toEqual({ backend: null, largestConsumer: null });
    // Older kernels print no summary line, only the cgroup wording: still that cgroup's own limit.
    const old = kernel('Memory cgroup out of memory: Killed process 5556 (firefox) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB');
    expect(attributeKill(old, inputs())).toEqual({ backend: null, largestConsumer: null });
  });

  it('a system-wide kill of another process names the largest backend at the time, with its size', () => {
    expect(attributeKill(systemWide(5), inputs())).toEqual({ backend: null, largestConsumer: { backend: 'llama', rssBytes: 8 * GiB } });
    const noSummary = kernel('Out of memory: Killed process 6 (firefox) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB');
    expect(attributeKill(noSummary, inputs()).largestConsumer).toEqual({ backend: 'llama', rssBytes: 8 * GiB });
  });

  it('names no consumer when no sample is close enough to the kill, or no backend held memory', () => {
    expect(attributeKill(systemWide(5), inputs({ consumersAt: () => null }))).toEqual({ backend: null, largestConsumer: null });
    expect(attributeKill(systemWide(5), inputs({ consumersAt: () => [{ backend: 'idle', rssBytes: 0 }] }))).toEqual({ backend: null, largestConsumer: null });
  });

  it('a cpuset or mempolicy kill is system-wide only where one memory node holds every process', () => {
    const cpuset = kernel(summary('CONSTRAINT_CPUSET', '', 7), 'Out of memory: Killed process 7 (x) total-vm:1kB, anon-rss:1kB, file-rss:0kB, shmem-rss:0kB');
    expect(attributeKill(cpuset, inputs()).largestConsumer?.backend).toBe('llama');
    expect(attributeKill(cpuset, inputs({ memoryNodes: 2 }))).toEqual({ backend: null, largestConsumer: null });
    expect(isSystemWide({ ...cpuset, constraint: 'CONSTRAINT_MEMORY_POLICY' }, 1)).toBe(true);
  });

  it('user-space killers: earlyoom acts on the whole machine, systemd-oomd on one cgroup (pid 0 is never matched)', () => {
    const early = parseLines([{ text: 'sending SIGTERM to process 8 uid 1000 "chrome": badness 900, VmRSS 4000 MiB', timeText: null, time: 1_000_000, source: 'earlyoom' }])[0]!;
    expect(attributeKill(early, inputs()).largestConsumer?.backend).toBe('llama');
    const oomd = parseLines([{ text: 'Killed /user.slice/x.scope due to memory pressure for /user.slice being 60.00% > 50.00% for > 20s with reclaim activity', timeText: null, time: 1_000_000, source: 'systemd-oomd' }])[0]!;
    expect(oomd.pid).toBe(0);
    expect(attributeKill(oomd, inputs({ ownerOf: () => 'zero' }))).toEqual({ backend: null, largestConsumer: null });
  });
});
