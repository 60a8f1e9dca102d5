// electron/main.ts and the preload with Electron mocked (the only mock), the
// mock's webContents and ipcRenderer joined as Electron joins them, around the
// real core and a real backend process: a notification click restores, shows
// and focuses the window and tells the page which backend (also when the page
// is still loading), and an action's error over IPC reaches the page once,
// without Electron's "Error invoking remote method …" wrapper.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { VigilApi } from './common/api.js';
import { CHANNELS } from './common/channels.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-main-renderer-'));
const trigger = path.join(dir, 'crash-now');
// A real backend that exits with code 3 once the test says so (after main has subscribed, so it is news).
const crasher = `const fs = require('fs'); setInterval(() => { if (fs.existsSync(${JSON.stringify(trigger)})) process.exit(3); }, 20);`;
writeFileSync(
  path.join(dir, 'config.yaml'),
  `backends:
  crasher:
    cmd: [${JSON.stringify(process.execPath)}, -e, ${JSON.stringify(crasher)}]
    health: { path: none }
    restart: { policy: never }
`,
);
process.env.VIGIL_CONFIG = path.join(dir, 'config.yaml');
process.env.VIGIL_STATE_DIR = path.join(dir, 'state');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const h = vi.hoisted(() => ({
  rec: {
    windows: [] as unknown[],
    notifications: [] as { title: string; note: unknown }[],
    /** What the page's preload called contextBridge.exposeInMainWorld with. */
    exposed: {} as Record<string, unknown>,
    exitCode: null as number | null,
  },
}));

vi.mock('electron', async () => {
  const { EventEmitter: EE } = await import('node:events');
  const { rec } = h;
  type Handler = (e: unknown, payload: unknown) => Promise<unknown>;
  const handlers = new Map<string, Handler>();
  const ipcMain = Object.assign(new EE(), {
    handle: (ch: string, fn: Handler) => void handlers.set(ch, fn),
    removeHandler: (ch: string) => void handlers.delete(ch),
  });
  // The page side. Only one window exists, so its webContents is the sender of every call.
  let page: WebContents | null = null;
  const fromPage = () => ({ sender: page, senderFrame: { url: page?.url ?? '', parent: null } });
  const ipcRenderer = Object.assign(new EE(), {
    async invoke(ch: string, payload: unknown) {
      const fn = handlers.get(ch);
      if (!fn) throw new Error(`Error invoking remote method '${ch}': Error: No handler registered for '${ch}'`);
      try {
        return await fn(fromPage(), payload);
      } catch (e) {
        // What Electron does with a handler's error: the page sees only this string.
        throw new Error(`Error invoking remote method '${ch}': ${String(e)}`, { cause: e });
      }
    },
    send: (ch: string, ...args: unknown[]) => void ipcMain.emit(ch, fromPage(), ...args),
  });

  class WebContents extends EE {
    url = '';
    loading = false;
    sent: [string, unknown][] = [];
    setWindowOpenHandler() {}
    isLoading() { return this.loading; }
    isDestroyed() { return false; }
    send(ch: string, payload: unknown) {
      this.sent.push([ch, payload]);
      // A message sent while a page loads reaches the old document, not the new page's listeners.
      if (!this.loading) ipcRenderer.emit(ch, {}, payload);
    }
  }
  class BrowserWindow extends EE {
    webContents = new WebContents();
    visible = false;
    minimized = false;
    calls: string[] = [];
    constructor() {
      super();
      page = this.webContents;
      rec.windows.push(this);
    }
    loadURL(u: string) {
      this.webContents.url = u;
      this.webContents.loading = true;
      this.emit('ready-to-show');
      return Promise.resolve();
    }
    show() { this.visible = true; this.calls.push('show'); }
    hide() { this.visible = false; this.calls.push('hide'); }
    focus() { this.calls.push('focus'); }
    isMinimized() { return this.minimized; }
    restore() { this.minimized = false; this.calls.push('restore'); }
    isDestroyed() { return false; }
  }
  class Notification extends EE {
    constructor(readonly opts: { title: string; body?: string }) {
      super();
      rec.notifications.push({ title: opts.title, note: this });
    }
    show() {}
    close() { this.emit('close'); }
  }
  const app = Object.assign(new EE(), {
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    getAppPath: () => '/opt/vigil',
    quit: () => {},
    exit: (code: number) => { rec.exitCode = code; },
  });
  class Tray { setImage() {} setToolTip() {} setContextMenu() {} on() {} destroy() {} }
  return {
    app, BrowserWindow, Notification, Tray, ipcMain, ipcRenderer,
    contextBridge: { exposeInMainWorld: (name: string, api: unknown) => void (rec.exposed[name] = api) },
    Menu: { buildFromTemplate: (t: unknown) => t },
    nativeImage: { createFromPath: (p: string) => ({ p }) },
    shell: { openPath: async () => '' },
    session: { defaultSession: { webRequest: { onHeadersReceived: () => {} }, setPermissionRequestHandler: () => {}, setPermissionCheckHandler: () => {} } },
  };
});

interface FakeWindow extends EventEmitter {
  webContents: EventEmitter & { loading: boolean; sent: [string, unknown][] };
  visible: boolean;
  minimized: boolean;
  calls: string[];
}

async function until(f: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('electron/main.ts ⇄ the page', () => {
  let win: FakeWindow;
  let api: VigilApi;
  const focused: string[] = [];

  it('loads the page: the preload exposes window.vigil and the page listens for focus', async () => {
    await import('./main.js');
    const { rec } = h;
    await until(() => rec.windows.length === 1, 'the main window');
    win = rec.windows[0] as FakeWindow;
    // The page loads: the preload runs first, the page subscribes, then did-finish-load.
    await import('./preload.js');
    api = rec.exposed.vigil as VigilApi;
    api.onFocus((id) => focused.push(id));
    win.webContents.loading = false;
    win.webContents.emit('did-finish-load');
    expect(win.visible).toBe(true);
    const state = await api.getState();
    expect(state.backends.map((b) => b.id)).toEqual(['crasher']);
  });

  it('a crash notification, clicked, restores, shows and focuses the hidden window and tells the page which backend', async () => {
    const { rec } = h;
    // Closed to the tray, and minimized before that.
    win.emit('close', { preventDefault: () => {} });
    win.minimized = true;
    expect(win.visible).toBe(false);
    win.calls.length = 0;
    const focusSent = () => win.webContents.sent.filter(([ch]) => ch === CHANNELS.focus);

    writeFileSync(trigger, '');
    await until(() => rec.notifications.some((n) => n.title === 'crasher crashed'), 'the crash notification');
    const note = rec.notifications.find((n) => n.title === 'crasher crashed')!.note as EventEmitter;

    note.emit('click');
    expect(win.calls).toEqual(['restore', 'show', 'focus']);
    expect(win.visible).toBe(true);
    expect(win.minimized).toBe(false);
    expect(focusSent()).toEqual([[CHANNELS.focus, 'crasher']]);
    expect(focused).toEqual(['crasher']);

    // Clicked while the page is (re)loading: the message waits for the page instead of being lost.
    win.webContents.loading = true;
    note.emit('click');
    expect(focusSent()).toHaveLength(1);
    win.webContents.loading = false;
    win.webContents.emit('did-finish-load');
    expect(focused).toEqual(['crasher', 'crasher']);
  });

  it('an action error over IPC reaches the page as the main process worded it, once', async () => {
    // The dashboard shows "start: <message>": neither Electron's wrapper nor the method may be in it.
    await expect(api.start('../x')).rejects.toThrow(/^field 'id': backend id/);
    await expect(api.start('nope')).resolves.toEqual({ ok: false, message: "unknown backend 'nope'" });
    await expect(api.reap('crasher')).resolves.toMatchObject({ ok: true, message: expect.stringMatching(/^reaped pid \d+: /) });
  });

  it('quits cleanly', async () => {
    const { app } = await import('electron');
    app.emit('before-quit', { preventDefault: () => {} });
    await until(() => h.rec.exitCode !== null, 'exit');
    expect(h.rec.exitCode).toBe(0);
  });
});
