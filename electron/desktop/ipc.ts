// Electron IPC for window.vigil: one ipcMain.handle per request channel.
// Only our own window's top frame, showing our own page, may call; every
// payload is validated by the same dispatch as the WebSocket bridge.
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { REQUEST_NAMES, type VigilService } from '../common/api.js';
import { CHANNELS } from '../common/channels.js';
import { dispatch } from '../host/dispatch.js';
import { logSubscriptions } from '../host/log-subscriptions.js';
import { pushState } from '../host/state-push.js';

export interface IpcOptions {
  service: VigilService;
  /** Our window's webContents (null while there is none). */
  getWebContents(): WebContents | null;
  /** The renderer's own URL prefix: the file:// index.html or the dev server origin. */
  allowedUrl: string;
  log?: (msg: string) => void;
}

export interface IpcHost {
  /** Tell the renderer to show one backend (notification click). */
  focus(backendId: string): void;
  dispose(): void;
}

export function isTrustedSender(event: IpcMainEvent | IpcMainInvokeEvent, ours: WebContents | null, allowedUrl: string): boolean {
  if (!ours || event.sender !== ours) return false;
  const frame = event.senderFrame;
  // Top frame only: an iframe (should one ever load) is not our page.
  if (!frame || frame.parent !== null) return false;
  return samePage(frame.url, allowedUrl);
}

/** file: our index.html exactly (any query/hash); http (dev server): same origin. */
function samePage(frameUrl: string, allowedUrl: string): boolean {
  try {
    const a = new URL(frameUrl);
    const b = new URL(allowedUrl);
    if (a.protocol !== b.protocol) return false;
    return b.protocol === 'file:' ? a.pathname === b.pathname : a.origin === b.origin;
  } catch {
    return false;
  }
}

export function registerIpc(ipcMain: IpcMain, opts: IpcOptions): IpcHost {
  const { service } = opts;
  const log = opts.log ?? (() => {});
  const trusted = (e: IpcMainEvent | IpcMainInvokeEvent): boolean => {
    const ok = isTrustedSender(e, opts.getWebContents(), opts.allowedUrl);
    if (!ok) log(`ipc: refused a call from ${e.senderFrame?.url ?? 'an unknown frame'}`);
    return ok;
  };
  const send = (channel: string, payload: unknown): void => {
    const wc = opts.getWebContents();
    if (wc && !wc.isDestroyed()) wc.send(channel, payload);
  };

  for (const name of REQUEST_NAMES) {
    ipcMain.handle(CHANNELS.request(name), async (event, payload: unknown) => {
      if (!trusted(event)) throw new Error('vigil: caller is not the Vigil window');
      return dispatch(service, name, payload);
    });
  }

  const logs = logSubscriptions(service, (chunk) => send(CHANNELS.log, chunk));
  const onLogSubscribe = (event: IpcMainEvent, id: unknown): void => {
    if (trusted(event)) logs.subscribe(id);
  };
  const onLogUnsubscribe = (event: IpcMainEvent, id: unknown): void => {
    if (trusted(event)) logs.unsubscribe(id);
  };
  ipcMain.on(CHANNELS.logSubscribe, onLogSubscribe);
  ipcMain.on(CHANNELS.logUnsubscribe, onLogUnsubscribe);

  // Deltas go to the window as they come; a page that (re)loads or misses one asks for the snapshot.
  const state = pushState(service, (m) => send(CHANNELS.state, m), { active: () => opts.getWebContents() !== null });
  const onStateResync = (event: IpcMainEvent): void => {
    if (trusted(event)) send(CHANNELS.state, state.snapshot());
  };
  ipcMain.on(CHANNELS.stateResync, onStateResync);

  return {
    focus: (id) => send(CHANNELS.focus, id),
    dispose() {
      state.dispose();
      for (const name of REQUEST_NAMES) ipcMain.removeHandler(CHANNELS.request(name));
      ipcMain.removeListener(CHANNELS.logSubscribe, onLogSubscribe);
      ipcMain.removeListener(CHANNELS.logUnsubscribe, onLogUnsubscribe);
      ipcMain.removeListener(CHANNELS.stateResync, onStateResync);
      logs.dispose();
    },
  };
}
