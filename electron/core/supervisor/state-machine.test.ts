// The lifecycle table and its one choke point, walked without any process.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { COMMANDS_BY_STATUS } from '../../common/commands.js';
import { BACKEND_STATUSES, type BackendStatus } from '../../common/state.js';
import type { Logger } from '../diagnostics.js';
import { canTransition, Lifecycle, LIVE_STATUSES, TRANSITIONS } from './state-machine.js';

interface Seen {
  changed: [BackendStatus, BackendStatus, string][];
  entered: [BackendStatus, BackendStatus][];
  errors: string[];
}

function make(initial: BackendStatus, strict: boolean): { life: Lifecycle; seen: Seen } {
  const seen: Seen = { changed: [], entered: [], errors: [] };
  const log: Logger = { warn: (m) => seen.errors.push(m), error: (m) => seen.errors.push(m) };
  const life = new Lifecycle(
    initial,
    { changed: (f, t, r) => seen.changed.push([f, t, r]), enter: (t, f) => seen.entered.push([t, f]) },
    { strict, log, name: 'llama' },
  );
  return { life, seen };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('transition table', () => {
  it('has a row for every status, naming only real statuses', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...BACKEND_STATUSES].sort());
    for (const to of Object.values(TRANSITIONS).flat()) expect(BACKEND_STATUSES).toContain(to);
  });

  it('accepts every listed move, in strict mode, and tells the hooks in order', () => {
    let moves = 0;
    for (const from of BACKEND_STATUSES) {
      for (const to of TRANSITIONS[from]) {
        const { life, seen } = make(from, true);
        expect(life.transition(to, `why ${from}→${to}`, 7), `${from} → ${to}`).toBe(true);
        expect(life.status).toBe(to);
        expect(seen.changed).toEqual([[from, to, `why ${from}→${to}`]]);
        expect(seen.entered).toEqual([[to, from]]);
        moves++;
      }
    }
    expect(moves).toBe(Object.values(TRANSITIONS).flat().length);
  });

  it('refuses every unlisted move: thrown in strict mode, logged and refused otherwise', () => {
    let refused = 0;
    for (const from of BACKEND_STATUSES) {
      for (const to of BACKEND_STATUSES) {
        if (canTransition(from, to)) continue;
        const strict = make(from, true);
        expect(() => strict.life.transition(to, 'x', null)).toThrow(`llama: illegal transition ${from} → ${to} refused`);
        expect(strict.life.status).toBe(from);
        const lax = make(from, false);
        expect(lax.life.transition(to, 'x', null)).toBe(false);
        expect(lax.life.status).toBe(from);
        expect(lax.seen.errors).toEqual([`llama: illegal transition ${from} → ${to} refused`]);
        expect([...lax.seen.changed, ...lax.seen.entered]).toEqual([]);
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
    // The moves that matter most: nothing but the end of a stop leaves `stopping`, and a process is only born through `starting`.
    expect(canTransition('stopping', 'ready')).toBe(false);
    expect(canTransition('stopped', 'ready')).toBe(false);
    expect(canTransition('backoff', 'exited')).toBe(false);
  });

  it('has no trap: every status is reachable from stopped, and stopped from every status', () => {
    const reach = (from: BackendStatus): Set<BackendStatus> => {
      const seen = new Set<BackendStatus>([from]);
      const todo = [from];
      while (todo.length) {
        for (const n of TRANSITIONS[todo.pop()!]) {
          if (seen.has(n)) continue;
          seen.add(n);
          todo.push(n);
        }
      }
      return seen;
    };
    expect([...reach('stopped')].sort()).toEqual([...BACKEND_STATUSES].sort());
    for (const s of BACKEND_STATUSES) expect(reach(s).has('stopped'), s).toBe(true);
  });

  it('every command the command-by-state rule accepts leads through legal moves', () => {
    for (const s of BACKEND_STATUSES) {
      for (const cmd of COMMANDS_BY_STATUS[s]) {
        const live = LIVE_STATUSES.includes(s);
        // start/restart spawn (→ starting, or → failed when it cannot); a live process is stopped first.
        const first: BackendStatus[] =
          cmd === 'stop' ? [live ? 'stopping' : 'stopped'] : cmd === 'reap' ? [] : live ? ['stopping'] : ['starting', 'failed'];
        for (const to of first) expect(canTransition(s, to), `${cmd} in ${s}: ${s} → ${to}`).toBe(true);
        if (live && cmd !== 'stop') for (const to of ['starting', 'failed'] as const) expect(canTransition('stopping', to)).toBe(true);
        if (live && cmd === 'stop') expect(canTransition('stopping', 'stopped')).toBe(true);
      }
    }
  });
});

describe('state timers', () => {
  it('a timer armed for a state is disarmed by leaving it and survives moves within its scope', () => {
    vi.useFakeTimers();
    const { life } = make('exited', true);
    life.transition('backoff', 'restart soon', null);
    const restart = vi.fn();
    life.armWhile(['backoff'], 1000, restart);
    life.transition('stopped', 'stopped by user', null);
    vi.advanceTimersByTime(5000);
    expect(restart).not.toHaveBeenCalled();
    expect(life.armed).toBe(0);

    life.transition('starting', 'spawned', 1);
    const startup = vi.fn();
    life.armWhile(['starting', 'loading', 'unhealthy'], 1000, startup);
    life.transition('loading', '503', 1);
    vi.advanceTimersByTime(999);
    expect(startup).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(startup).toHaveBeenCalledTimes(1);
    expect(life.armed).toBe(0);
  });

  it('entry work may arm the new state\'s timers: they are not disarmed by the move that entered it', () => {
    vi.useFakeTimers();
    const fired: string[] = [];
    const log: Logger = { warn: () => {}, error: () => {} };
    const life: Lifecycle = new Lifecycle('ready', {
      changed: () => {},
      enter: (to) => {
        if (to === 'stopping') life.armWhile(['stopping'], 100, () => fired.push('grace'));
      },
    }, { strict: true, log, name: 'x' });
    life.transition('stopping', 'stop', 1);
    expect(life.armed).toBe(1);
    vi.advanceTimersByTime(100);
    expect(fired).toEqual(['grace']);
  });

  it('disarmAll drops every timer, and a disarm function drops one', () => {
    vi.useFakeTimers();
    const { life } = make('stopping', true);
    const a = vi.fn();
    const b = vi.fn();
    const offA = life.armWhile(['stopping'], 10, a);
    life.armWhile(['stopping'], 10, b);
    offA();
    expect(life.armed).toBe(1);
    life.disarmAll();
    vi.advanceTimersByTime(100);
    expect(a).not.toHaveBeenCalled();
    expect(b).not.toHaveBeenCalled();
  });
});
