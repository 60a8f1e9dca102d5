import { describe, expect, it } from 'vitest';
import { aggregateStatus, formatClock, matchesFilter, oomCounts, statusTone } from './format.js';

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
    expect(aggregateStatus([{ status: 'ready' }, { status: 'loading' }])).toEqual({ tone: 'busy', text: '1 starting of 2' });
    expect(aggregateStatus([{ status: 'exited' }, { status: 'ready' }, { status: 'ready' }])).toEqual({ tone: 'bad', text: '1 down of 3' });
    // Every kind of trouble is counted, worst first: one failed backend does not hide the others.
    expect(aggregateStatus([{ status: 'failed' }, { status: 'backoff' }, { status: 'unhealthy' }, { status: 'ready' }])).toEqual({ tone: 'bad', text: '1 down, 2 degraded of 4' });
    expect(aggregateStatus([{ status: 'unhealthy' }, { status: 'loading' }, { status: 'ready' }])).toEqual({ tone: 'warn', text: '1 degraded, 1 starting of 3' });
    expect(aggregateStatus([{ status: 'backoff' }, { status: 'ready' }])).toEqual({ tone: 'warn', text: '1 degraded of 2' });
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

describe('oomCounts', () => {
  it('counts kills of backends and system-wide kills; kills inside other programs\' memory cgroups are only listed', () => {
    expect(oomCounts([])).toEqual({ concern: 0, other: 0 });
    expect(oomCounts([
      { backend: 'llm', scope: 'memcg' },
      { backend: null, scope: 'global' },
      { backend: null, scope: 'memcg' },
      { backend: null, scope: 'memcg' },
    ])).toEqual({ concern: 2, other: 2 });
  });
});
