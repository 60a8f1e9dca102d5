// electron/main.ts and the preload with Electron mocked
// (test-support/electron-mock.ts, the only mock; its webContents and
// ipcRenderer are joined as Electron joins them), around the real core and a
// real backend process: a notification click restores, shows and focuses the
// window and tells the page which backend (also when the page is still
// loading), and an action's error over IPC reaches the page once, without
// Electron's "Error invoking remote method …" wrapper.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { VigilApi } from './common/api.js';
import { CHANNELS } from './common/channels.js';
import { electron, type FakeBrowserWindow } from '../test-support/electron-mock.js';
import { waitFor } from '../test-support/helpers.js';

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

vi.mock('electron', () => import('../test-support/electron-mock.js').then((m) => m.electron.module));

describe('electron/main.ts ⇄ the page', () => {
  let win: FakeBrowserWindow;
  let api: VigilApi;
  const focused: string[] = [];

  it('loads the page: the preload exposes window.vigil and the page listens for focus', async () => {
    await import('./main.js');
    const { rec } = electron;
    await waitFor(() => rec.windows.length === 1, 15_000, 'the main window');
    win = rec.windows[0]!;
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
    const { rec } = electron;
    // Closed to the tray, and minimized before that.
    win.emit('close', { preventDefault: () => {} });
    win.minimized = true;
    expect(win.visible).toBe(false);
    win.calls.length = 0;
    const focusSent = () => win.webContents.sent.filter(([ch]) => ch === CHANNELS.focus);

    writeFileSync(trigger, '');
    await waitFor(() => rec.notifications.some((n) => n.opts.title === 'crasher crashed'), 15_000, 'the crash notification');
    const note = rec.notifications.find((n) => n.opts.title === 'crasher crashed')!;

    note.click();
    expect(win.calls).toEqual(['restore', 'show', 'focus']);
    expect(win.visible).toBe(true);
    expect(win.minimized).toBe(false);
    expect(focusSent()).toEqual([[CHANNELS.focus, 'crasher']]);
    expect(focused).toEqual(['crasher']);

    // Clicked while the page is (re)loading: the message waits for the page instead of being lost.
    win.webContents.loading = true;
    note.click();
    expect(focusSent()).toHaveLength(1);
    win.webContents.loading = false;
    win.webContents.emit('did-finish-load');
    expect(focused).toEqual(['crasher', 'crasher']);
  });

  it('an action error over IPC reaches the page as the main process worded it, once', async () => {
    // The dashboard shows "start: <message>": neither Electron's wrapper nor the method may be in it.
    await expect(api.start({ id: '../x' })).rejects.toThrow(/^field 'id': backend id/);
    await expect(api.start({ id: 'nope' })).resolves.toEqual({ ok: false, message: "unknown backend 'nope'" });
    await expect(api.reap({ id: 'crasher' })).resolves.toMatchObject({ ok: true, message: expect.stringMatching(/^reaped pid \d+: /) });
  });

  it('quits cleanly', async () => {
    const { app } = await import('electron');
    app.emit('before-quit', { preventDefault: () => {} });
    await waitFor(() => electron.rec.exitCode !== null, 15_000, 'exit');
    expect(electron.rec.exitCode).toBe(0);
  });
});
