// The wall clock jumping (NTP step, suspend/resume, a user setting the date)
// under a core whose backends crash and restart. Only Date is faked, and it
// keeps running with real time between jumps; timers stay real. Delays are
// measured with performance.now(): what must hold is real elapsed time.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BackendStatus, VigilState } from '../common/state.js';
import { FAKE_SERVER } from '../../test-support/supervisor-harness.js';
import { createVigil, type VigilCore } from './vigil.js';

const HOUR = 3_600_000;

/** Polls `f` until truthy; the deadline is on the monotonic clock (Date is what the tests move). */
async function waitFor<T>(f: () => T, ms: number, what: string): Promise<NonNullable<T>> {
  const end = performance.now() + ms;
  for (;;) {
    const v = f();
    if (v) return v;
    if (performance.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Seen {
  status: BackendStatus;
  /** performance.now() when the core published it. */
  at: number;
  /** A backoff's planned delay, ms. */
  planned?: number;
}

/** A core with one fake backend `args` and restart settings `restart` (YAML flow map); records each status change on the monotonic clock. */
async function coreWith(args: string[], restart: string): Promise<{ core: VigilCore; seen: Seen[]; next: (s: BackendStatus, after: number, ms: number) => Promise<Seen> }> {
  // Date runs on with real time (shouldAdvanceTime) until a test jumps it.
  vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-clock-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const cfg = path.join(dir, 'config.yaml');
  writeFileSync(
    cfg,
    `backends:
  fake:
    cmd: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_SERVER)}, --port, "\${PORT}", ${args.map((a) => JSON.stringify(a)).join(', ')}]
    health: { interval: 200ms, timeout: 500ms }
    restart: ${restart}
    stop: { grace: 1s }
`,
  );
  const core = await createVigil({ configPath: cfg, stateDir: path.join(dir, 'state'), kmsgPath: null, journalctl: null });
  cleanups.push(() => core.shutdown());
  const seen: Seen[] = [];
  const record = (s: VigilState): void => {
    const b = s.backends.find((x) => x.id === 'fake');
    if (b && seen.at(-1)?.status !== b.status) seen.push({ status: b.status, at: performance.now() });
    // Planned with the move to backoff, in the same turn: nextRestartAt less the move's time is the delay.
    const last = seen.at(-1);
    if (b?.status === 'backoff' && b.nextRestartAt !== null && last && last.planned === undefined) last.planned = b.nextRestartAt - b.since;
  };
  record(core.getState());
  cleanups.push(core.subscribe(record));
  /** The first `status` seen at index ≥ `after`. */
  const next = (status: BackendStatus, after: number, ms: number): Promise<Seen> =>
    waitFor(() => seen.slice(after).find((x) => x.status === status), ms, `status ${status} (seen: ${seen.map((x) => x.status).join(' → ')})`);
  return { core, seen, next };
}

const jump = (ms: number): void => {
  vi.setSystemTime(Date.now() + ms);
};

describe('the wall clock jumping', () => {
  it('a jump back or forward while a backend waits in backoff does not move its restart', async () => {
    const { seen, next } = await coreWith(['--crash-after-ms', '600'], '{ policy: always, backoff: { initial: 2s, factor: 1, max: 2s }, limit: { count: 20, window: 10m } }');
    for (const step of [-HOUR, 2 * HOUR, -5 * HOUR]) {
      const from = seen.length;
      const backoff = await next('backoff', from, 30_000);
      jump(step);
      const restart = await next('starting', seen.indexOf(backoff), 60_000);
      const waited = restart.at - backoff.at;
      // Never early; late only by the load of a shared machine, never by the hours the clock moved.
      expect(waited, `clock moved by ${step / HOUR} h`).toBeGreaterThanOrEqual(1990);
      expect(waited, `clock moved by ${step / HOUR} h`).toBeLessThan(60_000);
    }
    expect(seen.some((s) => s.status === 'failed')).toBe(false);
  }, 180_000);
});

// RestartLimiter (electron/core/supervisor/restart-policy.ts) keeps restart
// times from Date.now(): a jump back keeps every earlier restart inside the
// window for as long as the jump, a jump forward empties it. Fix: count on
// performance.now() (the defaults of exceeded/record/recent).
describe('the restart limit and backoff growth count restarts on the monotonic clock', () => {
  it('after the clock jumps back, a backend restarting slower than its limit allows is not held as failed', async () => {
    // A crash every ~3 s against at most 3 restarts in 5 s: never more than 2 inside the window.
    const { seen, next } = await coreWith(['--crash-after-ms', '2500'], '{ policy: always, backoff: { initial: 500ms, factor: 1, max: 500ms }, limit: { count: 3, window: 5s } }');
    let from = 0;
    for (let i = 0; i < 2; i++) from = seen.indexOf(await next('backoff', from, 60_000)) + 1;
    jump(-HOUR);
    for (let i = 0; i < 4; i++) {
      await waitFor(() => seen.slice(from).find((x) => x.status === 'backoff' || x.status === 'failed'), 60_000, 'the next exit');
      expect(seen.at(-1)!.status, `exit ${i + 1} after the jump`).not.toBe('failed');
      from = seen.length;
    }
  }, 180_000);

  it('after the clock jumps back, the backoff does not grow from restarts outside the window', async () => {
    // A crash every ~3.3 s, window 2 s: each exit starts a fresh window, so every backoff is the initial 800 ms.
    const { seen, next } = await coreWith(['--crash-after-ms', '2500'], '{ policy: always, backoff: { initial: 800ms, factor: 4, max: 20s }, limit: { count: 100, window: 2s } }');
    let from = seen.indexOf(await next('backoff', 0, 60_000)) + 1;
    jump(-HOUR);
    for (let i = 0; i < 2; i++) {
      const b = await next('backoff', from, 30_000);
      const s = await next('starting', seen.indexOf(b), 30_000);
      // The delay planned, not the time it took (a loaded machine restarts late): 800 ms, never grown to 3.2 s.
      expect(b.planned, `backoff ${i + 1} after the jump`).toBeGreaterThan(0);
      expect(b.planned, `backoff ${i + 1} after the jump`).toBeLessThanOrEqual(800);
      from = seen.indexOf(s);
    }
  }, 180_000);

  it('while the clock keeps jumping forward, a crash loop still reaches its restart limit', async () => {
    const { core } = await coreWith(['--exit-immediately', '1'], '{ policy: always, backoff: { initial: 300ms, factor: 1, max: 300ms }, limit: { count: 3, window: 1m } }');
    const t = setInterval(() => jump(10 * 60_000), 150);
    cleanups.push(() => clearInterval(t));
    const failed = await waitFor(() => core.getState().backends.find((b) => b.status === 'failed'), 60_000, 'the restart limit');
    expect(failed.reason).toMatch(/^restart limit reached: 3 restarts in 1m 00s/);
  }, 180_000);
});
