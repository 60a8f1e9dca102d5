import { describe, expect, it } from 'vitest';
import type { BackendView, ExitInfo, OomKill } from '../../electron/common/state.js';
import { gpuFact, healthFact, lifeFact, memoryFact, nextStart } from './card-figures.js';
import { formatClock } from './format.js';

const NOW = 1_000_000_000;
const exit: ExitInfo = { time: NOW - 20_000, pid: 7, code: 1, signal: null, signalName: null, coreDumped: false, reaped: true, oomKilled: false, oom: null, reason: 'exited with code 1' };
type Subject = Pick<BackendView, 'status' | 'startedAt' | 'lastExit' | 'nextRestartAt'>;
const b = (over: Partial<Subject>): Subject => ({ status: 'ready', startedAt: NOW - 65_000, lastExit: null, nextRestartAt: null, ...over });

describe('lifeFact', () => {
  it('is the uptime while a process is alive, stopping included', () => {
    for (const status of ['starting', 'loading', 'ready', 'unhealthy', 'stopping'] as const) {
      expect(lifeFact(b({ status, lastExit: exit }), NOW), status).toEqual({ label: 'Uptime', text: '1m 05s' });
    }
  });

  it('is the time since the exit once no process runs, never an uptime of the dead one', () => {
    for (const status of ['exited', 'backoff', 'failed', 'stopped'] as const) {
      expect(lifeFact(b({ status, lastExit: exit }), NOW), status).toEqual({ label: 'Exited', text: '20s ago' });
    }
  });

  it('counts whole seconds: a fresh exit or start never reads as a ms count', () => {
    expect(lifeFact(b({ status: 'backoff', lastExit: { ...exit, time: NOW - 184 } }), NOW)).toEqual({ label: 'Exited', text: '0s ago' });
    expect(lifeFact(b({ status: 'starting', startedAt: NOW - 300 }), NOW)).toEqual({ label: 'Uptime', text: '0s' });
    expect(lifeFact(b({ status: 'failed', lastExit: { ...exit, time: NOW - 185_400 } }), NOW)).toEqual({ label: 'Exited', text: '3m 05s ago' });
  });

  it('is a dash when nothing is known', () => {
    expect(lifeFact(b({ status: 'stopped', startedAt: null }), NOW)).toEqual({ label: 'Uptime', text: '—' });
    expect(lifeFact(b({ status: 'starting', startedAt: null }), NOW)).toEqual({ label: 'Uptime', text: '—' });
  });
});

describe('nextStart', () => {
  it('reads as a clock time and a countdown in seconds, not milliseconds', () => {
    const at = NOW + 20_000;
    expect(nextStart(b({ status: 'backoff', nextRestartAt: at }), NOW)).toBe(`${formatClock(at)} (in 20s)`);
    expect(nextStart(b({ status: 'backoff', nextRestartAt: NOW + 89_200 }), NOW)).toBe(`${formatClock(NOW + 89_200)} (in 1m 30s)`);
    // Past due (the spawn is on its way): never a negative countdown.
    expect(nextStart(b({ status: 'backoff', nextRestartAt: NOW - 500 }), NOW)).toBe(`${formatClock(NOW - 500)} (in 0s)`);
  });

  it('is absent outside backoff', () => {
    expect(nextStart(b({ status: 'ready', nextRestartAt: NOW + 1000 }), NOW)).toBeNull();
    expect(nextStart(b({ status: 'backoff', nextRestartAt: null }), NOW)).toBeNull();
  });
});

describe('memoryFact', () => {
  const GiB = 1024 ** 3;
  const memory = { rss: 1.1 * GiB, anon: 80 * 1024 ** 2, file: 1.02 * GiB, shmem: 0, swap: 0, pss: null, processes: 1 };
  type M = Parameters<typeof memoryFact>[0];
  const m = (over: Partial<M>): M => ({ status: 'ready', pid: 42, memory, memoryLimit: null, lastExit: null, ...over });

  it('is the live tree\'s RSS, against the limit, with its breakdown on hover', () => {
    expect(memoryFact(m({}))).toEqual({ label: 'RSS', text: '1.1 GiB', title: 'anon 80.0 MiB, file 1.0 GiB, shmem 0 B, swap 0 B; 1 process' });
    expect(memoryFact(m({ memoryLimit: 2 * GiB })).text).toBe('1.1 GiB / 2.0 GiB');
  });

  it('never shows a dead process\'s memory as current: the last sample is labelled as before the exit', () => {
    const dead = { ...exit, pid: 7, lastRss: 1.1 * GiB };
    // Even a snapshot that still carried the figure shows it as the exit's, not the backend's now.
    for (const status of ['backoff', 'exited', 'failed', 'stopped'] as const) {
      const f = memoryFact(m({ status, pid: null, lastExit: dead }));
      expect(f.text, status).toBe('before exit: 1.1 GiB');
      expect(f.title, status).toContain('pid 7 exited');
    }
    expect(memoryFact(m({ status: 'backoff', pid: null, memory: null, lastExit: { ...exit, lastRss: null }, memoryLimit: 64 * 1024 ** 2 })).text).toBe('— / 64.0 MiB');
    // An OOM kill: the kernel's figure at the kill, not an older sample that would read as far below the limit.
    const oom = { anonRssKb: 65_229, fileRssKb: 12_800, shmemRssKb: 0, totalVmKb: 339_968, pid: 7 } as OomKill;
    const killed = memoryFact(m({ status: 'backoff', pid: null, memory: null, memoryLimit: 64 * 1024 ** 2, lastExit: { ...exit, lastRss: 22 * 1024 ** 2, oomKilled: true, oom } }));
    expect(killed.text).toBe('at kill: 63.7 MiB anon / 64.0 MiB');
    expect(killed.title).toContain("the kernel's figures when it killed pid 7: anon 63.7 MiB, file 12.5 MiB");
    expect(memoryFact(m({ status: 'backoff', pid: null, memory: null, lastExit: exit })).text).toBe('—');
  });
});

describe('healthFact', () => {
  it('shows the latency while checks pass, and that they fail while unhealthy (not the last good latency)', () => {
    expect(healthFact({ status: 'ready', healthLatencyMs: 34.6 })).toEqual({ label: 'Health', text: '35 ms' });
    expect(healthFact({ status: 'unhealthy', healthLatencyMs: 27 })).toEqual({ label: 'Health', text: 'failing' });
    expect(healthFact({ status: 'backoff', healthLatencyMs: null })).toEqual({ label: 'Health', text: '—' });
  });
});

describe('gpuFact', () => {
  const mem = { rss: 1, anon: 1, file: 0, shmem: 0, swap: 0, pss: null, processes: 2 };
  it('shows VRAM and GTT per device for a live tree, with the note that GTT is host memory outside RSS', () => {
    const f = gpuFact({ status: 'ready', pid: 10, memory: { ...mem, gpu: [{ device: 'card1', vram: 5 * 2 ** 20, gtt: 40 * 2 ** 30 }, { device: 'nvidia0', vram: 9 * 2 ** 30, gtt: 0 }] } });
    expect(f).toEqual({ label: 'GPU', text: 'card1 VRAM 5.0 MiB + GTT 40.0 GiB · nvidia0 VRAM 9.0 GiB', title: expect.stringMatching(/^GTT is host RAM the GPU maps for it: not counted in its RSS/) });
    expect(gpuFact({ status: 'ready', pid: 10, memory: { ...mem, gpu: [{ device: 'nvidia0', vram: 2 ** 30, gtt: 0 }] } })).toEqual({ label: 'GPU', text: 'nvidia0 VRAM 1.0 GiB', title: null });
  });
  it('nothing without GPU use or without a live process', () => {
    expect(gpuFact({ status: 'ready', pid: 10, memory: mem })).toBeNull();
    expect(gpuFact({ status: 'exited', pid: null, memory: { ...mem, gpu: [{ device: 'card1', vram: 1, gtt: 1 }] } })).toBeNull();
  });
});
