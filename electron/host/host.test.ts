// The plumbing both hosts share, against the in-memory service: validated
// dispatch, the throttled state push, and per-client log subscriptions.
import { describe, expect, it } from 'vitest';
import type { LogChunk } from '../common/api.js';
import { backend, baseState, fakeService } from '../../test-support/fake-service.js';
import { dispatch, RequestError } from './dispatch.js';
import { logSubscriptions } from './log-subscriptions.js';
import { pushState } from './state-push.js';
import type { StateMessage } from '../common/state-delta.js';
import { stateFollower } from '../../test-support/state-follower.js';
import { waitFor } from '../../test-support/helpers.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('dispatch', () => {
  it('validates the payload, then calls the method of that name', async () => {
    const svc = fakeService(baseState([backend('llama')]));
    await expect(dispatch(svc, 'restart', { id: 'llama' })).resolves.toEqual({ ok: true, message: 'restart llama' });
    await expect(dispatch(svc, 'stop', { id: '../x' })).rejects.toBeInstanceOf(RequestError);
    await expect(dispatch(svc, 'getState', { x: 1 })).rejects.toThrow('getState takes no payload');
    expect(svc.calls).toEqual([{ method: 'restart', req: { id: 'llama' } }]);
  });
});

describe('pushState', () => {
  it('sends a delta of the latest state at most once per interval, versioned, and nothing after dispose', async () => {
    const svc = fakeService(baseState([]));
    const msgs: StateMessage[] = [];
    const follower = stateFollower();
    const shown: string[] = [];
    const push = pushState(svc, (m) => {
      msgs.push(m);
      shown.push(follower.apply(m).backends.map((b) => b.id).join(','));
    }, { intervalMs: 100 });
    expect(push.snapshot()).toEqual({ version: 1, state: baseState([]) });
    follower.apply(push.snapshot());
    svc.setState(baseState([backend('a')]));
    svc.setState(baseState([backend('b')]));
    svc.setState(baseState([backend('c')]));
    // The first change goes at once; the two later ones collapse into the latest.
    expect(shown).toEqual(['a']);
    await waitFor(() => msgs.length === 2, 5000, 'the trailing push');
    expect(msgs.map((m) => [m.version, 'from' in m ? m.from : null])).toEqual([[2, 1], [3, 2]]);
    expect(follower.state?.backends.map((b) => b.id)).toEqual(['c']);
    // A client that connects now gets the state as last pushed, at its version.
    expect(push.snapshot()).toEqual({ version: 3, state: svc.getState() });
    svc.setState(baseState([backend('d')]));
    push.dispose();
    await sleep(150);
    expect(svc.stateSubscribers()).toBe(0);
    expect(msgs).toHaveLength(2);
  });

  it('sends nothing for a change only of the snapshot time, and only the changed backend of 50', async () => {
    const fifty = Array.from({ length: 50 }, (_, i) => backend(`b${i}`));
    const svc = fakeService(baseState(fifty));
    const msgs: StateMessage[] = [];
    const push = pushState(svc, (m) => msgs.push(m), { intervalMs: 0 });
    svc.setState({ ...svc.getState(), time: 2 });
    await sleep(20);
    expect(msgs).toEqual([]);
    const backends = fifty.slice();
    backends[7] = { ...fifty[7]!, status: 'exited', pid: null };
    svc.setState({ ...svc.getState(), backends, time: 3 });
    await waitFor(() => msgs.length === 1, 5000, 'the delta');
    expect(msgs[0]).toEqual({ version: 2, from: 1, delta: { set: { time: 3 }, lists: { backends: { change: [{ key: 'b7', set: { status: 'exited', pid: null } }] } } } });
    push.dispose();
  });

  it('while no client listens, moves the baseline without diffing, so the next snapshot is current', async () => {
    const svc = fakeService(baseState([]));
    let listening = false;
    const msgs: StateMessage[] = [];
    const push = pushState(svc, (m) => msgs.push(m), { intervalMs: 0, active: () => listening });
    svc.setState(baseState([backend('a')]));
    await waitFor(() => push.snapshot().version === 2, 5000, 'the baseline to move');
    expect(msgs).toEqual([]);
    listening = true;
    const snap = push.snapshot();
    expect('state' in snap && snap.state.backends.map((b) => b.id)).toEqual(['a']);
    svc.setState(baseState([backend('a'), backend('b')]));
    await waitFor(() => msgs.length === 1, 5000, 'the delta');
    expect(msgs[0]).toMatchObject({ version: 3, from: 2 });
    push.dispose();
  });
});

describe('logSubscriptions', () => {
  it('follows valid ids once each, ignores invalid ones, and drops all on dispose', () => {
    const svc = fakeService(baseState([]));
    const got: LogChunk[] = [];
    const logs = logSubscriptions(svc, (c) => got.push(c));
    const chunk = (id: string): LogChunk => ({ id, lines: [{ time: 1, stream: 'stdout', text: id }], path: null });
    logs.subscribe('llama');
    logs.subscribe('llama');
    logs.subscribe('../etc');
    logs.subscribe(42);
    svc.pushLog(chunk('llama'));
    expect(got.map((c) => c.id)).toEqual(['llama']);
    logs.subscribe('whisper');
    logs.unsubscribe('llama');
    svc.pushLog(chunk('llama'));
    svc.pushLog(chunk('whisper'));
    expect(got.map((c) => c.id)).toEqual(['llama', 'whisper']);
    logs.dispose();
    svc.pushLog(chunk('whisper'));
    expect(got).toHaveLength(2);
  });
});
