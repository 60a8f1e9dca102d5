// The Electron host: one window (hidden to the tray on close), the tray,
// notifications and IPC around the core. Quitting stops the backends first
// (progress in the tray tooltip), then exits. When another Vigil holds the
// state directory, no core starts: a dialog names it and offers its dashboard.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, nativeImage, Notification, session, shell, Tray } from 'electron';
import type { CommandResult, VigilService } from './common/api.js';
import { resolveConfigPath, resolveStateDir } from './core/paths.js';
import { createVigil, InstanceLockedError, type VigilCore } from './core/vigil.js';
import { offerRunningInstance } from './desktop/instance-locked.js';
import { registerIpc } from './desktop/ipc.js';
import { createNotifier } from './desktop/notifications.js';
import { createTrayService } from './desktop/tray.js';
import { runWatchedAction } from './desktop/watched-actions.js';
import { hardenWebContents, installCsp, windowOptions } from './desktop/window.js';

const here = import.meta.dirname; // out/main when built
const devUrl = process.env.ELECTRON_RENDERER_URL ?? null; // set by `electron-vite dev`
const pageUrl = devUrl ?? pathToFileURL(path.join(here, '..', 'renderer', 'index.html')).href;
const iconsDir = path.join(app.getAppPath(), 'build', 'icons');
const log = (m: string): void => console.error(`vigil: ${m}`);

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    // Another Vigil desktop app owns the backends; it shows its window (second-instance below).
    app.quit();
    return;
  }
  await app.whenReady();
  let service: VigilCore;
  try {
    service = await createVigil({
      configPath: resolveConfigPath(process.argv),
      stateDir: resolveStateDir(),
      host: 'desktop',
      // In the desktop, "open config" means the user's editor, not a path string.
      openConfig: async (file): Promise<CommandResult> => {
        const err = await shell.openPath(file);
        return err ? { ok: false, message: `cannot open ${file}: ${err}` } : { ok: true, message: file };
      },
    });
  } catch (e) {
    if (!(e instanceof InstanceLockedError)) throw e;
    // Another Vigil (a `vigil serve`, or a desktop app of another profile) owns this state directory: no second core.
    log(e.message);
    const choice = await offerRunningInstance({ dialog, shell }, e);
    log(choice === 'opened-dashboard' ? 'opened its dashboard; quitting' : 'quitting');
    app.exit(0);
    return;
  }

  installCsp(session.defaultSession, devUrl ? new URL(devUrl).origin : null);
  let win: BrowserWindow | null = null;
  let quitting = false;

  const showWindow = (focusBackend?: string | null): void => {
    const fresh = !win || win.isDestroyed();
    if (!win || win.isDestroyed()) {
      win = new BrowserWindow(windowOptions(path.join(here, '..', 'preload', 'preload.cjs'), path.join(iconsDir, 'vigil.png')));
      hardenWebContents(win.webContents);
      win.on('close', (e) => {
        // Closing the window hides it: the backends stay watched from the tray.
        if (!quitting) {
          e.preventDefault();
          win?.hide();
        }
      });
      win.once('ready-to-show', () => win?.show());
      void win.loadURL(pageUrl);
    } else {
      // show() does not bring back a minimized window everywhere (Electron's own single-instance example restores first).
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
    }
    if (focusBackend) {
      const id = focusBackend;
      const send = (): void => ipc.focus(id);
      // A page still loading (or not yet started) would drop the message: its onFocus listener is not there yet.
      if (fresh || win.webContents.isLoading()) win.webContents.once('did-finish-load', send);
      else send();
    }
  };

  const ipc = registerIpc(ipcMain, { service, getWebContents: () => (win && !win.isDestroyed() ? win.webContents : null), allowedUrl: pageUrl, log });

  const quit = async (): Promise<void> => {
    if (quitting) return;
    quitting = true;
    const progress = new Notification({ title: 'Vigil is quitting', body: 'stopping backends…', silent: true });
    progress.show();
    await service.shutdown((msg) => {
      tray.setNote(`Vigil — quitting: ${msg}`);
      log(msg);
    });
    progress.close();
    ipc.dispose();
    tray.destroy();
    app.exit(0);
  };

  const tray = createTrayService({ Tray, Menu, nativeImage }, {
    iconsDir,
    onOpen: (id) => showWindow(id),
    onCommand: (command, id) => {
      void service[command]({ id }).then((r) => {
        if (!r.ok) new Notification({ title: `${command} ${id}`, body: r.message }).show();
      });
    },
    onWatchedAction: (action, id, confirm) => void runWatchedAction(service, action, id, confirm),
    onQuit: () => void quit(),
  });
  const notifier = createNotifier({ Notification }, { onClick: (id) => showWindow(id) });
  const onState = (s: ReturnType<VigilService['getState']>): void => {
    tray.update(s);
    notifier.update(s);
  };
  onState(service.getState());
  service.subscribe(onState);

  app.on('second-instance', () => showWindow());
  // The tray keeps Vigil alive without windows.
  app.on('window-all-closed', () => {});
  app.on('before-quit', (e) => {
    if (!quitting) {
      e.preventDefault();
      void quit();
    }
  });
  showWindow();
}

main().catch((e: Error) => {
  log(`cannot start: ${e.stack ?? e.message}`);
  app.exit(1);
});
