// Notifications from state diffs with the Electron mock's Notification: each kind, the
// per backend+kind rate limit, and click → focus on that backend.
import { describe, expect, it } from 'vitest';
import type { BackendView, ExitInfo, VigilEvent, VigilState } from '../common/state.js';
import { createElectronMock } from '../../test-support/electron-mock.js';
import { backend, baseState } from '../../test-support/fake-service.js';
import { formatClock } from '../common/format.js';
import { createNotifier, type NotifierDeps } from './notifications.js';

function fakeNotification() {
  const { module, rec } = createElectronMock();
  return { shown: rec.shown, deps: { Notification: module.Notification } as unknown as NotifierDeps };
}

let seq = 0;
const ev = (e: Partial<VigilEvent>): VigilEvent => ({ seq: ++seq, time: 0, kind: 'system', backend: 'llama', from: null, to: null, reason: '', pid: 1, exit: null, oom: null, ...e });
const exit = (over: Partial<ExitInfo> = {}): ExitInfo => ({ time: 0, pid: 1, code: 1, signal: null, signalName: null, coreDumped: false, reaped: true, oomKilled: false, oom: null, reason: 'exited with code 1', ...over });
const state = (events: VigilEvent[], backends: BackendView[] = [backend('llama')], alerts: VigilState['alerts'] = []): VigilState => ({ ...baseState(backends), events, alerts });

describe('createNotifier', () => {
  it('announces OOM (RSS at death, next step), crash, restart limit, memory warning and recovery — not history', () => {
    const { shown, deps } = fakeNotification();
    let now = 1_000_000;
    const clicks: (string | null)[] = [];
    const n = createNotifier(deps, { onClick: (id) => clicks.push(id), now: () => now });
    const history = [ev({ kind: 'oom', oom: null })];
    n.update(state(history));
    expect(shown).toEqual([]);

    const oomKill = { anonRssKb: 12 * 1024 * 1024 } as VigilEvent['oom'];
    const events = [...history, ev({ kind: 'exit', exit: exit({ oomKilled: true, code: null, signal: 9, reason: 'oom-killed' }) }), ev({ kind: 'oom', oom: oomKill })];
    n.update(state(events, [backend('llama', { status: 'backoff', nextRestartAt: now + 2000 })]));
    expect(shown.map((s) => [s.opts.title, s.opts.body])).toEqual([['llama was killed by the OOM killer', `anon RSS at death 12.0 GiB; restarting at ${formatClock(now + 2000)} (in 2s)`]]);
    shown[0]!.click();
    expect(clicks).toEqual(['llama']);

    now += 31_000;
    events.push(ev({ kind: 'transition', from: 'starting', to: 'ready' }));
    n.update(state(events));
    expect(shown.at(-1)!.opts.title).toBe('llama is back');

    events.push(ev({ kind: 'exit', from: 'ready', exit: exit() }));
    n.update(state(events, [backend('llama', { status: 'failed' })]));
    expect(shown.at(-1)!.opts).toMatchObject({ title: 'llama crashed', body: 'exited with code 1; held: restart limit reached' });

    events.push(ev({ kind: 'transition', from: 'backoff', to: 'failed', reason: 'restart limit reached: 5 restarts in 1m 00s' }));
    n.update(state(events, [backend('llama', { status: 'failed' })]));
    expect(shown.at(-1)!.opts).toMatchObject({ title: 'llama is held', body: 'restart limit reached: 5 restarts in 1m 00s' });

    const alert = { id: 'mem-available', backend: null, message: 'MemAvailable 0.9 GiB (< 1 GiB)', since: now, figures: {} };
    n.update(state(events, [backend('llama')], [alert]));
    expect(shown.at(-1)!.opts).toMatchObject({ title: 'Memory is running low', body: alert.message });
    // The same alert still active: no repeat.
    const count = shown.length;
    n.update(state(events, [backend('llama')], [alert]));
    expect(shown.length).toBe(count);
  });

  it('a hung backend (ready → unhealthy) is announced with why, and its recovery too', () => {
    const { shown, deps } = fakeNotification();
    const n = createNotifier(deps, { onClick: () => {}, now: () => 0 });
    const events: VigilEvent[] = [];
    n.update(state(events));
    events.push(ev({ kind: 'transition', from: 'ready', to: 'unhealthy', reason: 'process is stopped (T) (1 failed probe)' }));
    n.update(state(events, [backend('llama', { status: 'unhealthy' })]));
    expect(shown.map((s) => [s.opts.title, s.opts.body])).toEqual([['llama is not answering', 'process is stopped (T) (1 failed probe)']]);
    // starting → unhealthy is a start-up problem the startup timeout handles; not announced.
    events.push(ev({ kind: 'transition', backend: 'other', from: 'starting', to: 'unhealthy', reason: 'process is stopped (T)' }));
    n.update(state(events, [backend('llama', { status: 'unhealthy' }), backend('other', { status: 'unhealthy' })]));
    expect(shown).toHaveLength(1);
    events.push(ev({ kind: 'transition', from: 'unhealthy', to: 'ready', reason: 'health /health: 200' }));
    n.update(state(events));
    expect(shown.at(-1)!.opts).toMatchObject({ title: 'llama is back', body: 'answering again' });
  });

  it('a backend near its own memory limit is not "memory running low"', () => {
    const { shown, deps } = fakeNotification();
    const n = createNotifier(deps, { onClick: () => {}, now: () => 0 });
    n.update(state([]));
    const alert = { id: 'limit:llama', backend: 'llama', message: 'llama uses 64 MiB (cgroup usage), 100.0% of its 64 MiB limit', since: 0, figures: {} };
    n.update(state([], [backend('llama')], [alert]));
    expect(shown.map((x) => [x.opts.title, x.opts.body])).toEqual([['llama is near its memory limit', alert.message]]);
  });

  it('the pressure guard: its stop says why in numbers; its recommendation is one notice, not also "memory running low"', () => {
    const { shown, deps } = fakeNotification();
    const n = createNotifier(deps, { onClick: () => {}, now: () => 0 });
    n.update(state([]));
    const why = 'memory pressure 38 % for 4 s, MemAvailable 290 MiB (1.2 % of 24.0 GiB): stopped llama to keep the desktop alive';
    const recommend = 'memory pressure 40 % for 2 s, MemAvailable 200 MiB (0.8 % of 24.0 GiB): stop ollama (pid 6, 9.0 GiB; a server Vigil did not start, so it only recommends)';
    const alert = { id: 'guard', backend: null, message: recommend, since: 0, figures: { pid: 6 } };
    n.update(state([ev({ kind: 'guard', reason: why }), ev({ kind: 'guard', backend: null, reason: recommend })], [backend('llama', { status: 'stopped' })], [alert]));
    expect(shown.map((x) => [x.opts.title, x.opts.body])).toEqual([
      ['Vigil stopped llama under memory pressure', why],
      ['Memory pressure', recommend],
    ]);
  });

  it('rate-limits per backend and kind, and a user stop is no crash', () => {
    const { shown, deps } = fakeNotification();
    let now = 0;
    const n = createNotifier(deps, { onClick: () => {}, now: () => now, minIntervalMs: 30_000 });
    const events: VigilEvent[] = [];
    n.update(state(events));
    for (let i = 0; i < 5; i++) {
      events.push(ev({ kind: 'exit', from: 'ready', exit: exit() }));
      n.update(state(events, [backend('llama', { status: 'backoff', nextRestartAt: now + 1000 })]));
      now += 5_000;
    }
    expect(shown.map((s) => s.opts.title)).toEqual(['llama crashed']);
    events.push(ev({ kind: 'exit', backend: 'other', from: 'ready', exit: exit() }));
    n.update(state(events, [backend('llama'), backend('other', { status: 'backoff', nextRestartAt: now + 1000 })]));
    expect(shown.map((s) => s.opts.title)).toEqual(['llama crashed', 'other crashed']);
    now += 30_000;
    events.push(ev({ kind: 'exit', from: 'stopping', exit: exit({ code: 0, reason: 'exited with code 0' }) }));
    n.update(state(events, [backend('llama', { status: 'stopped' })]));
    expect(shown).toHaveLength(2);
    events.push(ev({ kind: 'exit', from: 'ready', exit: exit() }));
    n.update(state(events, [backend('llama', { status: 'backoff', nextRestartAt: now + 1000 })]));
    expect(shown).toHaveLength(3);
  });
});
