// The desktop app's answer to a state directory held by another Vigil, with
// the Electron mock's dialog and shell: who holds it, its dashboard offered
// when it has one, quitting otherwise.
import { describe, expect, it } from 'vitest';
import { InstanceLockedError, type LockHolder } from '../core/vigil.js';
import { createElectronMock } from '../../test-support/electron-mock.js';
import { instanceLockedBox, offerRunningInstance, type InstanceLockedDeps } from './instance-locked.js';

const holder = (over: Partial<LockHolder>): LockHolder => ({ pid: 4242, startTime: 1, since: 0, dashboardUrl: null, host: null, ...over });
const URL_WITH_TOKEN = 'http://127.0.0.1:8765/?token=secret';

function fakes(click: number) {
  const { module, rec } = createElectronMock();
  rec.messageBoxResponse = click;
  return { deps: { dialog: module.dialog, shell: module.shell } as unknown as InstanceLockedDeps, rec };
}

describe('the desktop app and a state directory another Vigil holds', () => {
  it("names a `vigil serve` by pid and opens its dashboard when asked", async () => {
    const err = new InstanceLockedError('/home/u/.local/state/vigil', holder({ host: 'serve', dashboardUrl: URL_WITH_TOKEN }));
    const { deps, rec } = fakes(0);
    expect(await offerRunningInstance(deps, err)).toBe('opened-dashboard');
    expect(rec.openedExternal).toEqual([URL_WITH_TOKEN]);
    const box = rec.messageBoxes[0]!;
    expect(box).toMatchObject({ title: 'Vigil is already running', buttons: ['Open its dashboard', 'Quit'], defaultId: 0, cancelId: 1 });
    expect(box.message).toBe('Another Vigil (pid 4242) already watches the backends of /home/u/.local/state/vigil.');
    // The box shows where, not the token (the button opens the full URL).
    expect(box.detail).toContain('Its dashboard is at http://127.0.0.1:8765/.');
    expect(box.detail).not.toContain('secret');
    expect(box.detail).toContain('another state directory (VIGIL_STATE_DIR or --state-dir)');
  });

  it('quits without opening anything when the user picks Quit (or presses Escape)', async () => {
    const err = new InstanceLockedError('/s', holder({ host: 'serve', dashboardUrl: URL_WITH_TOKEN }));
    const { deps, rec } = fakes(1);
    expect(await offerRunningInstance(deps, err)).toBe('quit');
    expect(rec.openedExternal).toEqual([]);
  });

  it('the desktop app of another profile has no URL: it says so and offers only Quit', async () => {
    const err = new InstanceLockedError('/s', holder({ host: 'desktop' }));
    expect(err.message).toBe('the Vigil desktop app (pid 4242) is already running with state directory /s; use its window (click its tray icon)');
    const box = instanceLockedBox(err);
    expect(box).toMatchObject({ message: 'The Vigil desktop app (pid 4242) already watches the backends of /s.', buttons: ['Quit'], cancelId: 0 });
    expect(box.detail).toMatch(/^Use its window: click its tray icon\./);
    const { deps, rec } = fakes(0);
    expect(await offerRunningInstance(deps, err)).toBe('quit');
    expect(rec.openedExternal).toEqual([]);
  });

  it('a holder the lock file cannot vouch for is "another Vigil", with no URL to offer', () => {
    const box = instanceLockedBox(new InstanceLockedError('/s', null));
    expect(box).toMatchObject({ message: 'Another Vigil already watches the backends of /s.', buttons: ['Quit'] });
    expect(box.detail).toMatch(/^It has published no dashboard URL/);
  });
});
