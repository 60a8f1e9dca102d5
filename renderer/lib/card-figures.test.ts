import { describe, expect, it } from 'vitest';
import type { BackendView, ExitInfo } from '../../electron/common/state.js';
import { lifeFact, nextStart } from './card-figures.js';
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
