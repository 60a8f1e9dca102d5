// The plumbing both hosts share, against the in-memory service: validated
// dispatch, the throttled state push, and per-client log subscriptions.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LogChunk } from '../common/api.js';
import { backend, baseState, fakeService } from '../../test-support/fake-service.js';
import { dispatch, RequestError } from './dispatch.js';
import { logSubscriptions } from './log-subscriptions.js';
import { pushState } from './state-push.js';

// The push's timer and clock are faked: which change falls inside an interval is exact, however busy the machine.
const sleep = (ms: number): void => void vi.advanceTimersByTime(ms);
afterEach(() => void vi.useRealTimers());

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
  it('sends the latest state at most once per interval and nothing after dispose', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const svc = fakeService(baseState([]));
    const sent: string[][] = [];
    const push = pushState(svc, (s) => sent.push(s.backends.map((b) => b.id)), 100);
    svc.setState(baseState([backend('a')]));
    svc.setState(baseState([backend('b')]));
    svc.setState(baseState([backend('c')]));
    // The first change goes at once; the two later ones collapse into the latest.
    expect(sent).toEqual([['a']]);
    sleep(150);
    expect(sent).toEqual([['a'], ['c']]);
    svc.setState(baseState([backend('d')]));
    push.dispose();
    sleep(150);
    expect(svc.stateSubscribers()).toBe(0);
    expect(sent).toEqual([['a'], ['c']]);
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
