// Notices for servers Vigil did not start: zombie, OOM kill, unhealthy, an
// exit nobody asked for; each rate-limited per server, not per kind alone.
import { describe, expect, it } from 'vitest';
import type { VigilEvent } from '../common/state.js';
import { createElectronMock } from '../../test-support/electron-mock.js';
import { baseState } from '../../test-support/fake-service.js';
import { createNotifier, type NotifierDeps } from './notifications.js';
import { watchedNotices } from './watched-notices.js';

let seq = 0;
const ev = (event: string, pid: number, over: Partial<VigilEvent> = {}, extra: Record<string, unknown> = {}): VigilEvent => ({
  seq: ++seq, time: 0, kind: 'watch', backend: null, from: null, to: null, reason: `${event} line`, pid, exit: null, oom: null,
  details: { watched: `w-${pid}-1`, event, label: 'llama-server', kind: 'llama-server', ...extra }, ...over,
});

describe('watchedNotices', () => {
  it('zombie, OOM kill and unhealthy are news; discovery, recovery and a stop that was asked for are not', () => {
    const oom = ev('oom', 7, { kind: 'oom', oom: { anonRssKb: 163_840 } as VigilEvent['oom'] });
    expect(watchedNotices([ev('discovered', 5), ev('zombie', 5), oom, ev('unhealthy', 9), ev('recovered', 9), ev('exited', 11, {}, { requested: true })]).map((n) => [n.title, n.body])).toEqual([
      ['llama-server 5 is a zombie', 'zombie line'],
      ['llama-server 7 was killed by the OOM killer', 'not started by Vigil; anon RSS at death 160 MiB'],
      ['llama-server 9 is unhealthy', 'unhealthy line'],
    ]);
  });

  it("an orphan is news; a kill of a manager's server it never watched is named as that manager's", () => {
    const swapOom = ev('oom', 8002, { kind: 'oom', oom: { anonRssKb: 1024, watched: { id: 'w-8000-1', pid: 8000, label: 'llama-swap', by: 'parent', text: 'a server of llama-swap 8000 (pid 8002, llama-server, model big-70b.gguf)' } } as VigilEvent['oom'] });
    expect(watchedNotices([ev('orphaned', 5), swapOom]).map((n) => [n.kind, n.title])).toEqual([
      ['watched-orphaned', 'llama-server 5 is orphaned'],
      ['watched-oom', 'The OOM killer took a server of llama-swap 8000 (pid 8002, llama-server, model big-70b.gguf)'],
    ]);
  });

  it('an exit nobody asked for is news, unless an OOM kill in the same batch explains it', () => {
    expect(watchedNotices([ev('exited', 5)]).map((n) => n.title)).toEqual(['llama-server 5 exited']);
    expect(watchedNotices([ev('exited', 5), ev('oom', 5, { kind: 'oom' })]).map((n) => n.title)).toEqual(['llama-server 5 was killed by the OOM killer']);
  });

  it('the desktop shows them, one per server and kind per interval', () => {
    const { module, rec } = createElectronMock();
    let now = 1_000_000;
    const n = createNotifier({ Notification: module.Notification } as unknown as NotifierDeps, { onClick: () => {}, now: () => now });
    const events: VigilEvent[] = [];
    n.update({ ...baseState([]), events: [...events] });
    events.push(ev('zombie', 5), ev('zombie', 6));
    n.update({ ...baseState([]), events: [...events] });
    events.push(ev('zombie', 5));
    now += 1000;
    n.update({ ...baseState([]), events: [...events] });
    expect(rec.shown.map((s) => s.opts.title)).toEqual(['llama-server 5 is a zombie', 'llama-server 6 is a zombie']);
  });
});
