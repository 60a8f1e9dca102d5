// Bytes, durations, exits and config issues as every host and the dashboard word them.
import { describe, expect, it } from 'vitest';
import type { ExitInfo, OomKill } from './state.js';
import { describeExit, formatAgo, formatBytes, formatConfigIssue, formatCountdown, formatDuration, formatElapsed, formatKb } from './format.js';

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

describe('formatAgo', () => {
  it('says "just now" under a second, then the duration and "ago"', () => {
    expect(formatAgo(0)).toBe('just now');
    expect(formatAgo(301)).toBe('just now');
    expect(formatAgo(1000)).toBe('1s ago');
    expect(formatAgo(37_400)).toBe('37s ago');
    expect(formatAgo(65_000)).toBe('1m 05s ago');
    expect(formatAgo(null)).toBe('—');
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
  it('names a GPU out-of-memory death with its device and size', () => {
    const gpuOom = { kind: 'gpu', gpu: { device: 'CUDA1', bytes: 9 * 2 ** 30, summary: 'GPU out of memory: CUDA1 could not allocate 9.0 GiB', line: 'x' } } as OomKill;
    expect(describeExit(exit({ code: 1, gpuOom }))).toBe('exited with code 1: GPU out of memory: CUDA1 could not allocate 9.0 GiB');
  });
});

describe('formatCountdown', () => {
  it('rounds the time left up to the second, and never goes below zero', () => {
    expect(formatCountdown(20_000)).toBe('20s');
    expect(formatCountdown(19_001)).toBe('20s');
    expect(formatCountdown(400)).toBe('1s');
    expect(formatCountdown(89_500)).toBe('1m 30s');
    expect(formatCountdown(0)).toBe('0s');
    expect(formatCountdown(-3000)).toBe('0s');
    expect(formatCountdown(null)).toBe('—');
  });
});

describe('formatElapsed', () => {
  it('counts whole seconds, so a clock shown each second never reads as milliseconds', () => {
    expect(formatElapsed(184)).toBe('0s');
    expect(formatElapsed(999)).toBe('0s');
    expect(formatElapsed(1000)).toBe('1s');
    expect(formatElapsed(185_400)).toBe('3m 05s');
    expect(formatElapsed(599_999)).toBe('9m 59s');
    // Past ten minutes, whole minutes: the figure changes once a minute.
    expect(formatElapsed(600_000)).toBe('10m');
    expect(formatElapsed(754_000)).toBe('12m');
    expect(formatElapsed(3_599_999)).toBe('59m');
    expect(formatElapsed(3_900_000)).toBe('1h 05m');
    expect(formatElapsed(-20)).toBe('0s');
    expect(formatElapsed(undefined)).toBe('—');
  });
});

describe('formatConfigIssue', () => {
  it('puts file, line and column first, then the field, then the message', () => {
    expect(formatConfigIssue({ file: 'config.yaml', line: 12, column: 5, field: 'backends.llama.port', message: 'expected a number' })).toBe(
      'config.yaml:12:5 backends.llama.port: expected a number',
    );
    expect(formatConfigIssue({ file: 'config.yaml', line: 3, column: null, field: null, message: 'bad' })).toBe('config.yaml:3: bad');
    // A column means nothing without its line.
    expect(formatConfigIssue({ file: 'c.yaml', line: null, column: 4, field: 'x', message: 'm' })).toBe('c.yaml x: m');
  });
});
