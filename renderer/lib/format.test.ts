import { describe, expect, it } from 'vitest';
import { aggregateStatus, formatClock, matchesFilter, statusTone } from './format.js';

describe('formatClock', () => {
  it('pads local hours, minutes and seconds', () => {
    const d = new Date(2026, 0, 2, 3, 4, 5);
    expect(formatClock(d.getTime())).toBe('03:04:05');
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
