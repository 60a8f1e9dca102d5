// The guard feed with its machine readings handed in: whom it stops and
// what it says, the timeline entry, and a recommendation (with the tray's
// alert) when only watched servers could be stopped. The real kernel's side
// is electron/core/guard/squeeze.test.ts.
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandResult } from '../../../common/api.js';
import type { MemoryAlert, OomKill, ShedInfo, VigilEvent } from '../../../common/state.js';
import { watchedView } from '../../../../test-support/watch/views.js';
import type { EventDraft } from '../../events.js';
import { startGuard, type Guard, type GuardConfig, type GuardTarget } from './guard-feed.js';
import type { MachineReading } from '../../guard/machine.js';

const MiB = 1 << 20;
const CFG: GuardConfig = { enabled: true, psiFullAbove: 20, memAvailableBelow: { percent: 5 }, forMs: 0, cooldownMs: 60_000, intervalMs: 60_000, wakeups: false };

let guard: Guard | null = null;
afterEach(() => {
  guard?.stop();
  guard = null;
});

function target(id: string, priority: number, bytes: number, sheds: ShedInfo[], onPressure: GuardTarget['oom']['onPressure'] = 'stop'): GuardTarget {
  return { id, name: id, status: 'ready', pid: 1000 + priority, command: ['/usr/bin/llama-server', '-m', 'x.gguf'], oom: { priority, onPressure }, bytes: () => bytes, shed: async (info: ShedInfo): Promise<CommandResult> => (sheds.push(info), { ok: true, message: 'stopped' }) };
}

function harness(backends: GuardTarget[], reading: () => MachineReading, watched = [watchedView()]) {
  const events: EventDraft[] = [];
  const timeline: OomKill[] = [];
  let alert: MemoryAlert | null = null;
  guard = startGuard({
    config: () => CFG,
    backends: () => backends,
    watched: () => watched,
    adviceNow: async () => ({ text: 'With -c 4096 it needs 3.1 GiB.', options: [{ flags: ['-c', '4096'], argv: ['llama-server', '-c', '4096'] }] }),
    emit: (d) => (events.push(d), { seq: events.length, time: Date.now(), from: null, to: null, pid: null, exit: null, oom: null, backend: null, ...d }) as VigilEvent,
    pushShed: (k) => timeline.push(k),
    setAlert: (a) => (alert = a),
    logger: { warn: () => undefined, error: () => undefined, info: () => undefined } as never,
    read: (t) => ({ ...reading(), t }),
  });
  return { events, timeline, alert: () => alert };
}

const squeezed = (): MachineReading => ({ t: 0, psiFullAvg10: 38, available: 290 * MiB, total: 24 * 1024 * MiB, where: 'host' });

describe('the guard feed', () => {
  it('stops the lowest priority backend, says why in numbers and what fits now, and puts it in the timeline', async () => {
    const sheds: ShedInfo[] = [];
    const h = harness([target('embed', 20, 900 * MiB, sheds), target('chat-70b', 10, 40 * 1024 * MiB, sheds), target('keep', 1, 1, sheds, 'never')], squeezed);
    guard!.check();
    await expect.poll(() => sheds.length).toBe(1);
    expect(sheds[0]).toMatchObject({ action: 'stopped', fitsNow: 'With -c 4096 it needs 3.1 GiB.' });
    const ev = h.events.find((e) => e.kind === 'guard')!;
    expect(ev.backend).toBe('chat-70b');
    expect(ev.reason).toBe('memory pressure 38 % for 0 s, MemAvailable 290 MiB (1.2 % of 24.0 GiB): stopped chat-70b to keep the desktop alive; it held 40.0 GiB. What would fit now: With -c 4096 it needs 3.1 GiB.');
    expect(h.timeline).toMatchObject([{ killer: 'vigil', backend: 'chat-70b', pid: 1010, comm: 'llama-server', scope: 'global', rssKb: 40 * 1024 * 1024 }]);
    expect(guard!.sheds).toBe(1);
    // The cooldown holds the next one back.
    guard!.check();
    await new Promise((r) => setTimeout(r, 20));
    expect(sheds).toHaveLength(1);
  });

  it('restart-smaller hands the advice’s first option to the shed', async () => {
    const argvs: (string[] | null)[] = [];
    const t: GuardTarget = { ...target('chat', 1, 1, []), oom: { priority: 1, onPressure: 'restart-smaller' }, shed: async (_i, argv) => (argvs.push(argv), { ok: true, message: '' }) };
    const h = harness([t], squeezed);
    guard!.check();
    await expect.poll(() => argvs.length).toBe(1);
    expect(argvs[0]).toEqual(['llama-server', '-c', '4096']);
    expect(h.events.find((e) => e.kind === 'guard')!.reason).toContain('restarted chat smaller (-c 4096)');
  });

  it('with nothing of its own to stop it names the largest watched server in its alert, and clears it when pressure ends', async () => {
    let reading = squeezed();
    const small = watchedView({ pid: 5, id: 'w-5-1', memory: { rss: 100 * MiB, processes: 1 } });
    const big = watchedView({ pid: 6, id: 'w-6-1', label: 'ollama', memory: { rss: 9 * 1024 * MiB, processes: 2 } });
    const h = harness([], () => reading, [small, big]);
    guard!.check();
    await expect.poll(() => h.alert()).not.toBeNull();
    expect(h.alert()!.message).toMatch(/: stop ollama \(pid 6, 9\.0 GiB; a server Vigil did not start, so it only recommends\)$/);
    expect(h.alert()!.figures.pid).toBe(6);
    reading = { ...reading, psiFullAvg10: 0, available: 12 * 1024 * MiB };
    guard!.check();
    expect(h.alert()).toBeNull();
  });
});
