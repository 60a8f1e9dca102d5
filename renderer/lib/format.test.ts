import { describe, expect, it } from 'vitest';
import type { ExitInfo, OomKill } from '../../electron/common/state.js';
import { aggregateStatus, describeExit, formatBytes, formatClock, formatDuration, formatKb, matchesFilter, statusTone } from './format.js';

const exit = (over: Partial<ExitInfo>): ExitInfo => ({
  time: 0, pid: 10, code: null, signal: null, signalName: null, coreDumped: false, reaped: true, oomKilled: false, oom: null, reason: '', ...over,
});

describe('formatBytes', () => {
  it('uses binary units with one decimal below 100', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(64 * 1024 * 1024)).toBe('64.0 MiB');
    expect(formatBytes(150 * 1024 ** 3)).toBe('150 GiB');
    expect(formatBytes(-2048)).toBe('-2.0 KiB');
  });
  it('shows a dash for missing values', () => {
    expect(formatBytes(null)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
    expect(formatKb(undefined)).toBe('—');
    expect(formatKb(2048)).toBe('2.0 MiB');
  });
});

describe('formatDuration', () => {
  it('shows two units at most', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(59_999)).toBe('59s');
    expect(formatDuration(65_000)).toBe('1m 05s');
    expect(formatDuration(2 * 3600_000 + 5 * 60_000 + 7_000)).toBe('2h 05m');
    expect(formatDuration(3 * 86400_000 + 4 * 3600_000)).toBe('3d 4h');
    expect(formatDuration(-5)).toBe('0s');
    expect(formatDuration(null)).toBe('—');
  });
});

describe('formatClock', () => {
  it('pads local hours, minutes and seconds', () => {
    const d = new Date(2026, 0, 2, 3, 4, 5);
    expect(formatClock(d.getTime())).toBe('03:04:05');
  });
});

describe('describeExit', () => {
  it('names OOM kills with the anon RSS the kernel reported', () => {
    const oom = { anonRssKb: 65536 } as OomKill;
    expect(describeExit(exit({ signal: 9, signalName: 'SIGKILL', oomKilled: true, oom }))).toBe('OOM-killed (anon RSS 64.0 MiB)');
    expect(describeExit(exit({ signal: 9, signalName: 'SIGKILL', oomKilled: true }))).toBe('OOM-killed');
  });
  it('names signals and codes', () => {
    expect(describeExit(exit({ signal: 9, signalName: 'SIGKILL' }))).toBe('killed by SIGKILL');
    expect(describeExit(exit({ signal: 6, signalName: null, coreDumped: true }))).toBe('killed by signal 6 (core dumped)');
    expect(describeExit(exit({ code: 42 }))).toBe('exited with code 42');
    expect(describeExit(exit({ code: 0 }))).toBe('exited with code 0');
  });
});

describe('aggregateStatus', () => {
  it('reports the worst tone first', () => {
    expect(aggregateStatus([])).toEqual({ tone: 'idle', text: 'no backends' });
    expect(aggregateStatus([{ status: 'ready' }, { status: 'ready' }])).toEqual({ tone: 'ok', text: 'all 2 ready' });
    expect(aggregateStatus([{ status: 'ready' }, { status: 'loading' }])).toEqual({ tone: 'busy', text: '1 of 2 starting' });
    expect(aggregateStatus([{ status: 'unhealthy' }, { status: 'exited' }, { status: 'ready' }])).toEqual({ tone: 'bad', text: '1 of 3 down' });
    expect(aggregateStatus([{ status: 'backoff' }, { status: 'ready' }])).toEqual({ tone: 'warn', text: '1 of 2 degraded' });
    expect(aggregateStatus([{ status: 'stopped' }, { status: 'ready' }])).toEqual({ tone: 'idle', text: '1 of 2 ready' });
  });
  it('gives every status a tone', () => {
    expect(statusTone('failed')).toBe('bad');
    expect(statusTone('stopping')).toBe('busy');
    expect(statusTone('stopped')).toBe('idle');
  });
});

describe('matchesFilter', () => {
  it('is a case-insensitive substring match', () => {
    expect(matchesFilter('Loading MODEL', 'model')).toBe(true);
    expect(matchesFilter('ready', 'model')).toBe(false);
    expect(matchesFilter('x', '')).toBe(true);
  });
});
