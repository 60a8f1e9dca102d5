// Matching kill notices to exits, both arrival orders, without processes.
import { describe, expect, it } from 'vitest';
import type { ExitInfo, OomKill } from '../../common/state.js';
import { OOM_LATE_MS, OomCorrelation } from './oom-correlation.js';

const kill = (pid: number, source: OomKill['source'] = 'kmsg'): OomKill => ({
  id: `k:${pid}`, time: 0, timeText: null, pid, comm: 'llama-server', scope: 'memcg', constraint: null, memcg: null,
  totalVmKb: null, anonRssKb: null, fileRssKb: null, shmemRssKb: null, uid: null, oomScoreAdj: null, killer: 'kernel', trigger: null,
  backend: 'llama', largestConsumer: null, source,
});
const exit = (pid: number, time: number, oomKilled = false): ExitInfo => ({
  time, pid, code: null, signal: 9, signalName: 'SIGKILL', coreDumped: false, reaped: true, oomKilled, oom: null, reason: 'killed by SIGKILL',
});

describe('OomCorrelation', () => {
  it('a notice after the exit amends it while recent; later, or for another pid, it is about the tree', () => {
    const o = new OomCorrelation();
    expect(o.route(kill(10), exit(10, 1000), null, 1000 + OOM_LATE_MS - 1)).toBe('amend');
    expect(o.route(kill(10), exit(10, 1000), null, 1000 + OOM_LATE_MS)).toBe('tree');
    expect(o.route(kill(11), exit(10, 1000), null, 1500)).toBe('tree');
  });

  it('a notice for the live leader is kept and explains its exit soon after, once', () => {
    const o = new OomCorrelation();
    expect(o.route(kill(20), null, 20, 5000)).toBe('early');
    expect(o.recent(20, 5000 + OOM_LATE_MS - 1)).toMatchObject({ pid: 20 });
    expect(o.explainExit(20, false, 6000)).toMatchObject({ pid: 20, source: 'kmsg' });
    expect(o.explainExit(20, false, 6001)).toBeNull();
  });

  it('a notice too old to explain the exit leaves it to the counter, or to nothing', () => {
    const o = new OomCorrelation();
    o.route(kill(30), null, 30, 0);
    expect(o.explainExit(30, true, OOM_LATE_MS)).toBe('counter');
    o.route(kill(30), null, 30, 0);
    expect(o.explainExit(30, false, OOM_LATE_MS + 1)).toBeNull();
    o.route(kill(30), null, 30, 0);
    o.reset();
    expect(o.explainExit(30, false, 1)).toBeNull();
  });

  it('the counter names the live leader, else the last exit, unless a notice already said so', () => {
    const o = new OomCorrelation();
    expect(o.counterVictim(40, null, 0)).toBe(40);
    expect(o.counterVictim(null, exit(41, 0), 0)).toBe(41);
    expect(o.counterVictim(null, exit(41, 0, true), 0)).toBeNull();
    expect(o.counterVictim(null, null, 0)).toBeNull();
    o.route(kill(40), null, 40, 0);
    expect(o.counterVictim(40, null, 1)).toBeNull();
  });
});
