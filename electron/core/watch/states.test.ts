// The watched server's table: every status has its moves, every move names
// a status, and a move outside the table throws in strict mode (tests) and
// is refused (logged) otherwise, with the status unchanged.
import { describe, expect, it } from 'vitest';
import type { WatchStatus } from '../../common/watch.js';
import type { Logger } from '../diagnostics.js';
import { StateMachine } from '../state-machine.js';
import { WATCH_TRANSITIONS } from './states.js';

const STATUSES: WatchStatus[] = ['running', 'unhealthy', 'orphaned', 'exited', 'zombie', 'gone'];

function machine(initial: WatchStatus, strict: boolean, errors: string[] = []): { m: StateMachine<WatchStatus>; seen: string[] } {
  const seen: string[] = [];
  const log = { error: (msg: string) => errors.push(msg), warn: () => {}, info: () => {} } as unknown as Logger;
  const m = new StateMachine(WATCH_TRANSITIONS, initial, { changed: (f, t) => seen.push(`${f}→${t}`), enter: () => {} }, { strict, log, name: 'watched llama-server 42' });
  return { m, seen };
}

describe('watch lifecycle table', () => {
  it('lists every status, and only statuses', () => {
    expect(Object.keys(WATCH_TRANSITIONS).sort()).toEqual([...STATUSES].sort());
    for (const to of Object.values(WATCH_TRANSITIONS).flat()) expect(STATUSES).toContain(to);
  });

  it('throws in strict mode on every move outside the table, and changes nothing', () => {
    let illegal = 0;
    for (const from of STATUSES)
      for (const to of STATUSES) {
        if (WATCH_TRANSITIONS[from].includes(to)) continue;
        const { m, seen } = machine(from, true);
        expect(() => m.transition(to, 'test', 42), `${from} → ${to}`).toThrow(`watched llama-server 42: illegal transition ${from} → ${to} refused`);
        expect(m.status).toBe(from);
        expect(seen).toEqual([]);
        illegal++;
      }
    expect(illegal).toBeGreaterThan(20);
  });

  it('a zombie only after exited: a live server never becomes one directly, and a gone one never comes back', () => {
    expect(() => machine('running', true).m.transition('zombie', 'pidfd', 42)).toThrow(/running → zombie/);
    expect(() => machine('gone', true).m.transition('running', 'tick', 42)).toThrow(/gone → running/);
    const { m, seen } = machine('running', true);
    m.transition('exited', 'pidfd', 42);
    m.transition('zombie', 'grace', 42);
    m.transition('gone', 'reaped', 42);
    expect(seen).toEqual(['running→exited', 'exited→zombie', 'zombie→gone']);
  });

  it('outside strict mode an illegal move is logged and refused', () => {
    const errors: string[] = [];
    const { m } = machine('zombie', false, errors);
    expect(m.transition('running', 'tick', 42)).toBe(false);
    expect(m.status).toBe('zombie');
    expect(errors).toEqual(['watched llama-server 42: illegal transition zombie → running refused']);
  });

  it('timers belong to states: leaving a state disarms its timers', () => {
    const { m } = machine('running', true);
    let fired = false;
    m.armWhile(['exited'], 10_000, () => (fired = true));
    m.armWhile(['running', 'unhealthy'], 10_000, () => (fired = true));
    expect(m.armed).toBe(2);
    m.transition('exited', 'pidfd', 42); // the running timer goes; the exited one stays
    expect(m.armed).toBe(1);
    m.transition('gone', 'reaped', 42);
    expect(m.armed).toBe(0);
    expect(fired).toBe(false);
  });
});
