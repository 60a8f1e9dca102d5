// A tray click on a watched server's action: asked first (a native dialog:
// Vigil did not start this server, and stopping or adopting it interrupts
// whoever uses it), then run, with a notification when it fails.
import { dialog, Notification } from 'electron';
import type { VigilService } from '../common/api.js';
import type { WatchActionName } from '../common/watch.js';

const METHOD = { stop: 'stopWatched', restart: 'restartWatchedUnit', adopt: 'adoptWatched' } as const;
const LABEL: Record<WatchActionName, string> = { stop: 'Stop', restart: 'Restart', adopt: 'Adopt' };

export async function runWatchedAction(service: VigilService, action: WatchActionName, id: string, confirm: string | null): Promise<void> {
  if (confirm) {
    const { response } = await dialog.showMessageBox({ type: 'question', message: confirm, buttons: ['Cancel', LABEL[action]], defaultId: 0, cancelId: 0 });
    if (response !== 1) return;
  }
  const r = await service[METHOD[action]]({ id });
  new Notification({ title: r.ok ? `${LABEL[action]}: done` : `${LABEL[action]} failed`, body: r.message }).show();
}
