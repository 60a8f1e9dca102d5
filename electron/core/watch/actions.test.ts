// Restart goes through systemctl and reports its own words when refused.
// This VM has no systemd (its PID 1 is not systemd), so systemctl refuses:
// the error path runs for real; the argv is checked with the action rules.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { watchedView } from '../../../test-support/watch/views.js';
import { ServerActions } from './actions.js';
import { newTracked, type Tracked, type WatchHost } from './tracked.js';
import type { Candidate } from './discovery.js';
import { stderrLogger } from '../diagnostics.js';
import type { WatchedServer } from '../../common/watch.js';

const tracked = (view: WatchedServer): Tracked =>
  newTracked({ changed: () => {}, enter: () => {} } as unknown as WatchHost, {
    procRoot: '/proc', view, cand: {} as Candidate, handle: { pid: view.pid, pidfd: -1, startTime: view.startTime, pgid: view.pid, isChild: false }, now: 0, detailsInMs: 0, log: stderrLogger, strict: true,
  });

const systemdRuns = (() => {
  try {
    execFileSync('systemctl', ['is-system-running'], { stdio: 'pipe' });
    return true;
  } catch (e) {
    return /running|degraded|starting|maintenance/.test(String((e as { stdout?: Buffer }).stdout ?? ''));
  }
})();

describe('ServerActions.restartUnit', () => {
  it.skipIf(systemdRuns)('shows systemctl\'s own error when it cannot restart the unit', async () => {
    const view = watchedView({ unit: { name: 'vigil-test-nonexistent.service', scope: 'system', uid: null, sole: true } });
    const t = tracked(view);
    const r = await new ServerActions('/proc').restartUnit(t);
    t.stat.close();
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/^systemctl restart vigil-test-nonexistent\.service failed: \S/);
  });

  it('refuses without a unit, saying why', async () => {
    const view = watchedView();
    const t = tracked(view);
    const r = await new ServerActions('/proc').restartUnit(t);
    t.stat.close();
    expect(r).toEqual({ ok: false, detail: 'it is not run by a systemd service, so Vigil cannot start it again the way it was started (adopt instead)' });
  });
});
