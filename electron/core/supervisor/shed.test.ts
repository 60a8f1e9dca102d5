// The pressure guard's stop: a stop with a reason, through the state
// machine and the backend's own stop sequence (SIGTERM, not SIGKILL); it
// stays stopped whatever its restart policy until a user starts it; and
// restart-smaller starts it again at once with other arguments, once.
import { afterEach, describe, expect, it } from 'vitest';
import type { ShedInfo } from '../../common/state.js';
import { fakeBackend, makeHarness, type Harness } from '../../../test-support/supervisor-harness.js';

let h: Harness | null = null;
afterEach(async () => {
  await h?.cleanup();
  h = null;
});

const info = (action: ShedInfo['action'] = 'stopped'): ShedInfo => ({ at: Date.now(), reason: 'memory pressure 38 % for 4 s, MemAvailable 290 MiB', fitsNow: 'With -c 4096 it needs 3.1 GiB.', action });

describe('a shed', () => {
  it('goes stopping → stopped with the reason, by SIGTERM, and no restart policy applies', async () => {
    h = makeHarness(fakeBackend('shed', [], { restart: { policy: 'always', backoff: { initialMs: 50, factor: 1, maxMs: 50 }, limit: { count: 5, windowMs: 60_000 } } }));
    await h.sup.start();
    await h.waitFor('ready');
    const pid = h.sup.snapshot().pid!;
    const r = await h.sup.shed(info());
    expect(r.ok).toBe(true);
    const why = 'shed by Vigil: memory pressure 38 % for 4 s, MemAvailable 290 MiB';
    expect(h.transitions().slice(-2).map((t) => [t.to, t.reason])).toEqual([['stopping', why], ['stopped', why]]);
    expect(h.sup.snapshot()).toMatchObject({ status: 'stopped', reason: why, lastExit: { pid, signal: 15 }, shed: { action: 'stopped', fitsNow: 'With -c 4096 it needs 3.1 GiB.' } });
    expect(h.events.some((e) => e.kind === 'command' && e.reason === 'stop (shed by the pressure guard)')).toBe(true);
    // A restart would come within 50 ms under policy always; a later start command is the user's.
    const seen = h.transitions().length;
    await new Promise((res) => setTimeout(res, 300));
    expect(h.transitions().length).toBe(seen);
    await h.sup.start();
    await h.waitFor('ready');
    expect(h.sup.snapshot().shed).toBeNull();
  });

  it('restart-smaller starts it again at once with the given arguments, for that run only', async () => {
    h = makeHarness(fakeBackend('smaller', []));
    await h.sup.start();
    await h.waitFor('ready');
    const argv = [...h.sup.config.cmd, '--model-alias', 'smaller'];
    const r = await h.sup.shed(info('restarted-smaller'), argv);
    expect(r.ok).toBe(true);
    await h.waitFor('ready');
    expect(h.sup.snapshot().command.slice(-2)).toEqual(['--model-alias', 'smaller']);
    expect(h.sup.snapshot().shed).toMatchObject({ action: 'restarted-smaller' });
    expect(h.sup.config.cmd).not.toContain('smaller');
  });

  it('is refused for a backend that is not running', async () => {
    h = makeHarness(fakeBackend('idle', []));
    expect(await h.sup.shed(info())).toMatchObject({ ok: false });
    expect(h.sup.status).toBe('stopped');
  });
});
