// electron/main.ts with Electron mocked (test-support/electron-mock.ts, the
// only mock) around the real core: window options, CSP on responses,
// permissions denied, new windows and navigation refused, close hides, quit
// stops the core and exits.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { electron } from '../test-support/electron-mock.js';
import { waitFor } from '../test-support/helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'vigil-main-'));
writeFileSync(path.join(dir, 'config.yaml'), 'backends: {}\n');
process.env.VIGIL_CONFIG = path.join(dir, 'config.yaml');
process.env.VIGIL_STATE_DIR = path.join(dir, 'state');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

vi.mock('electron', () => import('../test-support/electron-mock.js').then((m) => m.electron.module));

describe('electron/main.ts', () => {
  it('creates a hardened window around the real core and quits cleanly', async () => {
    await import('./main.js');
    const { rec } = electron;
    await waitFor(() => rec.windows.length === 1, 10_000, 'the main window');
    const w = rec.windows[0]!;
    expect(w.opts).toMatchObject({ show: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false } });
    expect((w.opts as { webPreferences: { preload: string } }).webPreferences.preload).toMatch(/preload[/\\]preload\.cjs$/);
    expect(w.loaded).toMatch(/^file:.*renderer\/index\.html$/);
    expect(w.visible).toBe(true);
    expect(rec.trays).toHaveLength(1);
    // The lock says a desktop app holds the state directory (it has a window, no URL), for a second Vigil to say so.
    expect(JSON.parse(readFileSync(path.join(dir, 'state', 'vigil.lock'), 'utf8'))).toMatchObject({ pid: process.pid, host: 'desktop', dashboardUrl: null });

    let headers: unknown = null;
    rec.headersHandler!({ responseHeaders: {} }, (r) => (headers = r));
    const csp = (headers as { responseHeaders: Record<string, string[]> }).responseHeaders['Content-Security-Policy']![0]!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    let granted: boolean | null = null;
    rec.permissionHandler!({}, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);

    const wc = w.webContents;
    expect(wc.openHandler!()).toEqual({ action: 'deny' });
    let prevented = false;
    wc.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://evil.example/');
    expect(prevented).toBe(true);

    // Closing hides to the tray instead of quitting.
    let closePrevented = false;
    w.emit('close', { preventDefault: () => (closePrevented = true) });
    expect(closePrevented).toBe(true);
    expect(w.visible).toBe(false);

    const { app } = await import('electron');
    let quitPrevented = false;
    app.emit('before-quit', { preventDefault: () => (quitPrevented = true) });
    expect(quitPrevented).toBe(true);
    await waitFor(() => rec.exitCode !== null, 10_000, 'exit');
    expect(rec.exitCode).toBe(0);
    expect(rec.notifications.map((n) => n.opts.title)).toContain('Vigil is quitting');
  });
});
