// electron/main.ts with Electron mocked (the only mock) around the real
// core: window options, CSP on responses, permissions denied, new windows
// and navigation refused, close hides, quit stops the core and exits.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-main-'));
writeFileSync(path.join(dir, 'config.yaml'), 'backends: {}\n');
process.env.VIGIL_CONFIG = path.join(dir, 'config.yaml');
process.env.VIGIL_STATE_DIR = path.join(dir, 'state');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const h = vi.hoisted(() => {
  const rec = {
    windows: [] as { opts: unknown; wc: unknown; win: unknown }[],
    headersHandler: null as null | ((d: { responseHeaders: Record<string, string[]> }, cb: (r: unknown) => void) => void),
    permissionHandler: null as null | ((wc: unknown, p: string, cb: (ok: boolean) => void) => void),
    exitCode: null as number | null,
    trays: 0,
    notifications: [] as string[],
  };
  return { rec };
});

vi.mock('electron', async () => {
  const { EventEmitter: EE } = await import('node:events');
  const { rec } = h;
  class WebContents extends EE {
    openHandler: (() => { action: string }) | null = null;
    setWindowOpenHandler(fn: () => { action: string }) { this.openHandler = fn; }
    isLoading() { return false; }
    isDestroyed() { return false; }
    send() {}
  }
  class BrowserWindow extends EE {
    webContents = new WebContents();
    visible = false;
    loaded: string | null = null;
    constructor(opts: unknown) { super(); rec.windows.push({ opts, wc: this.webContents, win: this }); }
    loadURL(u: string) { this.loaded = u; this.emit('ready-to-show'); return Promise.resolve(); }
    show() { this.visible = true; }
    hide() { this.visible = false; }
    focus() {}
    isDestroyed() { return false; }
  }
  const app = Object.assign(new EE(), {
    requestSingleInstanceLock: () => true,
    whenReady: () => Promise.resolve(),
    getAppPath: () => '/opt/vigil',
    quit: () => {},
    exit: (code: number) => { rec.exitCode = code; },
  });
  class Tray { constructor() { rec.trays++; } setImage() {} setToolTip() {} setContextMenu() {} on() {} destroy() {} }
  class Notification { constructor(o: { title: string }) { rec.notifications.push(o.title); } on() {} show() {} close() {} }
  return {
    app, BrowserWindow, Tray, Notification,
    ipcMain: Object.assign(new EE(), { handle: () => {}, removeHandler: () => {} }),
    Menu: { buildFromTemplate: (t: unknown) => t },
    nativeImage: { createFromPath: (p: string) => ({ p }) },
    shell: { openPath: async () => '' },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: typeof rec.headersHandler) => { rec.headersHandler = fn; } },
        setPermissionRequestHandler: (fn: typeof rec.permissionHandler) => { rec.permissionHandler = fn; },
        setPermissionCheckHandler: () => {},
      },
    },
  };
});

async function until(f: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('electron/main.ts', () => {
  it('creates a hardened window around the real core and quits cleanly', async () => {
    await import('./main.js');
    const { rec } = h;
    await until(() => rec.windows.length === 1);
    const w = rec.windows[0]!;
    expect(w.opts).toMatchObject({ show: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false } });
    expect((w.opts as { webPreferences: { preload: string } }).webPreferences.preload).toMatch(/preload[/\\]preload\.cjs$/);
    expect((w.win as { loaded: string }).loaded).toMatch(/^file:.*renderer\/index\.html$/);
    expect((w.win as { visible: boolean }).visible).toBe(true);
    expect(rec.trays).toBe(1);

    let headers: unknown = null;
    rec.headersHandler!({ responseHeaders: {} }, (r) => (headers = r));
    const csp = (headers as { responseHeaders: Record<string, string[]> }).responseHeaders['Content-Security-Policy']![0]!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    let granted: boolean | null = null;
    rec.permissionHandler!({}, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);

    const wc = w.wc as EventEmitter & { openHandler: () => { action: string } };
    expect(wc.openHandler()).toEqual({ action: 'deny' });
    let prevented = false;
    wc.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://evil.example/');
    expect(prevented).toBe(true);

    // Closing hides to the tray instead of quitting.
    let closePrevented = false;
    (w.win as EventEmitter).emit('close', { preventDefault: () => (closePrevented = true) });
    expect(closePrevented).toBe(true);
    expect((w.win as { visible: boolean }).visible).toBe(false);

    const { app } = await import('electron');
    let quitPrevented = false;
    app.emit('before-quit', { preventDefault: () => (quitPrevented = true) });
    expect(quitPrevented).toBe(true);
    await until(() => rec.exitCode !== null);
    expect(rec.exitCode).toBe(0);
    expect(rec.notifications).toContain('Vigil is quitting');
  });
});
