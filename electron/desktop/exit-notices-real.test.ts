// A notice of an exit says what the supervisor does next, from the same
// snapshot: the real supervisor publishes an exit together with the
// transition it leads to (one store batch), so the notifier never has to
// wait for the state to move on. Each case runs a real process that exits.
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendStatus, VigilState } from '../common/state.js';
import { createElectronMock } from '../../test-support/electron-mock.js';
import { fakeBackend, makeHarness, waitUntil, type Harness } from '../../test-support/supervisor-harness.js';
import { createNotifier, type NotifierDeps } from './notifications.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.cleanup();
  h = null;
});

/** The status each snapshot that carries a new exit event shows, in order. */
function exitSnapshots(harness: Harness): BackendStatus[] {
  const seen: BackendStatus[] = [];
  let last = 0;
  harness.store.subscribe((s: VigilState) => {
    for (const e of s.events) {
      if (e.seq <= last) continue;
      last = e.seq;
      if (e.kind === 'exit') seen.push(s.backends.find((b) => b.id === e.backend)!.status);
    }
  });
  return seen;
}

const CASES: { name: string; args: string[]; over: Parameters<typeof fakeBackend>[2]; exits: number; after: BackendStatus[] }[] = [
  { name: 'a crash to be restarted: backoff', args: ['--crash-after-ms', '200'], over: {}, exits: 1, after: ['backoff'] },
  {
    name: 'the restart limit reached: backoff, then failed',
    args: ['--crash-after-ms', '200'],
    over: { restart: { policy: 'always', backoff: { initialMs: 100, factor: 1, maxMs: 100 }, limit: { count: 1, windowMs: 60_000 } } },
    exits: 2,
    after: ['backoff', 'failed'],
  },
  { name: 'restart policy never: exited', args: ['--crash-after-ms', '200'], over: { restart: { policy: 'never', backoff: { initialMs: 100, factor: 1, maxMs: 100 }, limit: { count: 5, windowMs: 60_000 } } }, exits: 1, after: ['exited'] },
  {
    name: 'a clean exit under on-failure: exited, where it stays',
    args: ['--crash-after-ms', '200', '--exit-code', '0'],
    over: { restart: { policy: 'on-failure', backoff: { initialMs: 100, factor: 1, maxMs: 100 }, limit: { count: 5, windowMs: 60_000 } } },
    exits: 1,
    after: ['exited'],
  },
];

describe('an exit reaches the state with the step after it', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      h = makeHarness(fakeBackend('b', c.args, c.over));
      const seen = exitSnapshots(h);
      const { module, rec } = createElectronMock();
      const notifier = createNotifier({ Notification: module.Notification } as unknown as NotifierDeps, { onClick: () => {}, minIntervalMs: 0 });
      notifier.update(h.store.get());
      h.store.subscribe((s) => notifier.update(s));
      await h.sup.start();
      await waitUntil(() => seen.length >= c.exits, 30_000, () => `${c.exits} exit(s) (saw ${seen.length})`);
      expect(seen.slice(0, c.exits)).toEqual(c.after);
      // The crash notices were shown at once, each with that next step.
      const crashes = rec.shown.filter((n) => n.opts.title === 'b crashed').map((n) => n.opts.body as string);
      if (c.after[0] === 'backoff') expect(crashes[0]).toMatch(/; restarting at \d\d:\d\d:\d\d \(in \d+(\.\d+)?m?s\)$/);
      if (c.after[0] === 'exited' && c.over?.restart?.policy === 'never') expect(crashes[0]).toMatch(/; not restarting \(restart policy: never\)$/);
    }, 120_000);
  }

  it('kill -9 from outside a ready backend: backoff in the same snapshot', async () => {
    h = makeHarness(fakeBackend('b', []));
    const seen = exitSnapshots(h);
    await h.sup.start();
    await h.waitFor('ready');
    process.kill(h.sup.snapshot().pid!, 'SIGKILL');
    await waitUntil(() => seen.length >= 1, 30_000, () => 'the exit');
    expect(seen[0]).toBe('backoff');
  }, 120_000);
});
