// The health monitor's pacing and verdicts, with its I/O replaced by a
// scripted fake: no process, no socket. (The same paths against real
// processes and a real HTTP server: health.test.ts, latency.test.ts.)
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProcessHandle } from '../../../native-bindings/process.js';
import type { BackendStatus, ProcState } from '../../common/state.js';
import type { HealthResult } from '../health/http-probe.js';
import { HealthMonitor, STARTUP_PROBE_MS, type HealthHost, type HealthIo, type WatchTarget } from './health-monitor.js';
import { LatencySmoother } from './latency.js';
import type { TickWork } from './seams.js';
import type { SupervisedBackendConfig } from './types.js';

const handle: ProcessHandle = { pid: 4242, pidfd: -1, startTime: 1, pgid: 4242, isChild: true };
const ok = (latencyMs = 5): HealthResult => ({ outcome: 'ready', status: 200, latencyMs, detail: '' });
const loading: HealthResult = { outcome: 'loading', status: 503, latencyMs: 3, detail: 'HTTP 503' };
const refused: HealthResult = { outcome: 'refused', status: null, latencyMs: 1, detail: 'ECONNREFUSED' };
const timeout: HealthResult = { outcome: 'failure', status: null, latencyMs: 300, detail: 'timeout after 300 ms' };

function setup(over: Partial<SupervisedBackendConfig['health']> = {}, extras: TickWork[] = [], status: BackendStatus = 'starting') {
  const io = { alive: true, state: 'sleeping' as ProcState, script: [] as HealthResult[], probes: 0, exitCb: null as (() => void) | null, beats: new Map<number, Set<() => void>>() };
  const fake: HealthIo = {
    isRunning: () => io.alive,
    procState: () => io.state,
    watchExit: (_h, cb) => {
      io.exitCb = cb;
      return () => void (io.exitCb = null);
    },
    probeHealth: async () => {
      io.probes++;
      return io.script.length > 1 ? io.script.shift()! : io.script[0]!;
    },
    every: (ms, job) => {
      const jobs = io.beats.get(ms) ?? new Set();
      io.beats.set(ms, jobs);
      jobs.add(job);
      return () => void jobs.delete(job);
    },
  };
  const calls: string[] = [];
  const errors: string[] = [];
  const host: HealthHost & { now: BackendStatus; shown: number | null } = {
    now: status,
    shown: null as number | null,
    status: () => host.now,
    exited: () => void calls.push('exited'),
    become: (to: 'ready' | 'loading' | 'unhealthy', reason: string) => {
      host.now = to;
      calls.push(`${to}: ${reason}`);
    },
    unresponsive: (reason: string) => void calls.push(`unresponsive: ${reason}`),
    procState: () => {},
    latency: (ms: number | null) => void (host.shown = ms),
    shownLatency: () => host.shown,
  };
  const monitor = new HealthMonitor(host, { warn: (m) => errors.push(m), error: (m) => errors.push(m) }, fake);
  const health = { path: '/health' as string | null, intervalMs: 2000, timeoutMs: 300, unhealthyAfter: 2, restartAfter: 4, startupTimeoutMs: 60_000, ...over };
  const target: WatchTarget = { handle, port: 8080, health: () => health, pollMs: 1000, extras };
  /** Run the jobs on the shared `ms` beat once, then let the probe promises settle. */
  const beat = async (ms = health.intervalMs): Promise<void> => {
    for (const j of [...(io.beats.get(ms) ?? [])]) j();
    await vi.advanceTimersByTimeAsync(0);
  };
  return { io, host, calls, errors, monitor, target, beat };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('HealthMonitor', () => {
  it('probes fast while the backend comes up, reports loading then ready, then joins the shared beat', async () => {
    const t = setup();
    t.io.script = [refused, loading, ok(5)];
    t.monitor.start(t.target);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.io.probes).toBe(1);
    expect(t.calls).toEqual([]); // refused while starting: not listening yet, no verdict
    await vi.advanceTimersByTimeAsync(STARTUP_PROBE_MS);
    await vi.advanceTimersByTimeAsync(STARTUP_PROBE_MS);
    expect(t.calls).toEqual(['loading: health /health: 503 (loading)', 'ready: health /health: 200']);
    expect(t.host.shown).toBe(3.6); // the smoothed figure over 3 ms (loading) and 5 ms, shown at once with the transition
    // Steady: no private timer any more, one registration on the 2 s beat.
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.io.probes).toBe(3);
    expect(t.io.beats.get(2000)?.size).toBe(1);
    await t.beat();
    expect(t.io.probes).toBe(4);
    t.monitor.stop();
    expect(t.io.beats.get(2000)?.size).toBe(0);
    expect(t.io.beats.get(1000)?.size).toBe(0);
  });

  it('failing probes: unhealthy after unhealthyAfter, unresponsive after restartAfter, and then it stops itself', async () => {
    const t = setup({}, [], 'ready');
    t.io.script = [ok(), timeout];
    t.monitor.start(t.target);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.host.shown).toBe(5);
    await t.beat();
    expect(t.calls).toEqual([]);
    expect(t.host.shown).toBe(5); // one failed probe: still ready, its latency still the last answer's
    await t.beat();
    expect(t.calls).toEqual(['unhealthy: health /health: timeout after 300 ms (2 failed probes)']);
    expect(t.host.shown).toBeNull(); // unhealthy: no answer, so no latency to show
    await t.beat();
    await t.beat();
    expect(t.calls.at(-1)).toBe('unresponsive: unresponsive: health /health: timeout after 300 ms (4 failed probes)');
    expect(t.io.exitCb).toBeNull();
    expect(t.io.beats.get(2000)?.size).toBe(0);
    const probes = t.io.probes;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(t.io.probes).toBe(probes);
  });

  it('a stopped (T) process is unhealthy at once, even while starting', async () => {
    const t = setup();
    t.io.state = 'stopped';
    t.io.script = [refused];
    t.monitor.start(t.target);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.calls).toEqual(['unhealthy: process is stopped (T)']);
    expect(t.io.probes).toBe(0);
  });

  it('an exit is handed over by the watcher or the backstop; a stopped monitor says nothing', async () => {
    const t = setup();
    t.io.script = [refused];
    t.monitor.start(t.target);
    const cb = t.io.exitCb!;
    cb();
    expect(t.calls).toEqual(['exited']);
    t.monitor.stop();
    cb();
    expect(t.calls).toEqual(['exited']);

    const u = setup();
    u.io.script = [refused];
    u.monitor.start(u.target);
    u.io.alive = false;
    await u.beat(1000); // the isRunning backstop
    expect(u.calls).toEqual(['exited']);
  });

  it('without a health path a running process is ready, checked on the beat', async () => {
    const t = setup({ path: null });
    t.monitor.start(t.target);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.calls).toEqual(['ready: process running (no health check)']);
    expect(t.io.probes).toBe(0);
    expect(t.io.beats.get(2000)?.size).toBe(1);
  });

  it('tick work: a failure it reports counts like a failed probe; a throw is logged, not a failure; reset when the process goes', async () => {
    let say: string | null = 'generation probe: no token in 5 s';
    const reset = vi.fn();
    const work: TickWork = { tick: async () => say, reset };
    const broken: TickWork = {
      tick: () => {
        throw new TypeError('bug in tick work');
      },
    };
    const t = setup({}, [work, broken], 'ready');
    t.io.script = [ok()];
    t.monitor.start(t.target);
    await vi.advanceTimersByTimeAsync(0);
    await t.beat();
    expect(t.calls).toEqual(['unhealthy: generation probe: no token in 5 s (2 failed probes)']);
    say = null;
    await t.beat();
    expect(t.calls.at(-1)).toBe('ready: health /health: 200');
    expect(t.errors).toEqual(['tick work for pid 4242 threw']);
    t.monitor.stop();
    expect(reset).toHaveBeenCalledTimes(1);
  });
});

describe('LatencySmoother', () => {
  it('shows the first figure, ignores small moves, follows lasting ones, and yields to a transition', () => {
    const l = new LatencySmoother();
    expect(l.fold(10, null, false)).toBe(10);
    expect(l.fold(120, 10, false)).toBeNull(); // average 43: moved 33 ms, under 50
    expect(l.fold(10, 10, true)).toBe(33.1); // a transition shows the average as it is
    for (let i = 0; i < 5; i++) l.fold(300, 33.1, false);
    expect(l.fold(300, 33.1, false)).toBeGreaterThan(200);
    l.reset();
    expect(l.fold(7, 250, false)).toBe(7);
  });
});
