// The desktop app started while another Vigil holds the state directory: it
// must not start a second core (two supervisors would own one set of
// backends). It says who holds it and offers that instance's dashboard
// (a `vigil serve`'s URL) or quitting. dialog and shell are injected, so
// tests use the Electron mock.
import type { Dialog, MessageBoxOptions, Shell } from 'electron';
import { describeHolder, type InstanceLockedError } from '../core/vigil.js';

export interface InstanceLockedDeps {
  dialog: Pick<Dialog, 'showMessageBox'>;
  shell: Pick<Shell, 'openExternal'>;
}

export type InstanceLockedChoice = 'opened-dashboard' | 'quit';

const OPEN = 'Open its dashboard';
const QUIT = 'Quit';

/** The message box for this refusal: an Open button only when the holder published a URL. */
export function instanceLockedBox(err: Pick<InstanceLockedError, 'stateDir' | 'holder'>): MessageBoxOptions {
  const who = describeHolder(err.holder);
  const url = err.holder?.dashboardUrl ?? null;
  const where = url
    ? `Its dashboard is at ${url.replace(/\?.*$/, '')}.`
    : err.holder?.host === 'desktop'
      ? 'Use its window: click its tray icon.'
      : 'It has published no dashboard URL (it may still be starting).';
  return {
    type: 'info',
    title: 'Vigil is already running',
    message: `${who[0]!.toUpperCase()}${who.slice(1)} already watches the backends of ${err.stateDir}.`,
    detail: `${where}\n\nOne Vigil runs per state directory. To run a second one on purpose, start it with another state directory (VIGIL_STATE_DIR or --state-dir).`,
    buttons: url ? [OPEN, QUIT] : [QUIT],
    defaultId: 0,
    cancelId: url ? 1 : 0,
    noLink: true,
  };
}

/** Shows the box and does what the user picks; resolves once done (the caller then quits). */
export async function offerRunningInstance(deps: InstanceLockedDeps, err: Pick<InstanceLockedError, 'stateDir' | 'holder'>): Promise<InstanceLockedChoice> {
  const box = instanceLockedBox(err);
  const { response } = await deps.dialog.showMessageBox(box);
  const url = err.holder?.dashboardUrl ?? null;
  if (url && box.buttons?.[response] === OPEN) {
    await deps.shell.openExternal(url);
    return 'opened-dashboard';
  }
  return 'quit';
}
