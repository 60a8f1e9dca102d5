// electron/main.ts with Electron mocked (test-support/electron-mock.ts) when
// a real `vigil serve` already holds the state directory: the app starts no
// second core (no window, no tray, the backend keeps its one supervisor),
// says which pid holds it, opens that instance's dashboard when asked, and
// exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { VigilState } from './common/state.js';
import { electron } from '../test-support/electron-mock.js';
import { waitFor } from '../test-support/helpers.js';
import { FAKE_SERVER } from '../test-support/supervisor-harness.js';

const CLI = path.resolve(import.meta.dirname, 'cli', 'vigil.ts');
const dir = mkdtempSync(path.join(tmpdir(), 'vigil-main-lock-'));
const state = path.join(dir, 'state');
writeFileSync(
  path.join(dir, 'config.yaml'),
  `backends:
  fake:
    cmd: [${JSON.stringify(process.execPath)}, ${JSON.stringify(FAKE_SERVER)}, --port, "\${PORT}"]
    health: { interval: 200ms, timeout: 500ms }
    stop: { grace: 2s }
`,
);
process.env.VIGIL_CONFIG = path.join(dir, 'config.yaml');
process.env.VIGIL_STATE_DIR = state;
let serve: ChildProcess | null = null;
afterAll(async () => {
  if (serve && serve.exitCode === null) {
    const gone = new Promise((r) => serve!.once('exit', r));
    serve.kill('SIGTERM');
    await gone;
  }
  rmSync(dir, { recursive: true, force: true });
});

vi.mock('electron', () => import('../test-support/electron-mock.js').then((m) => m.electron.module));

describe('electron/main.ts beside a running `vigil serve` on the same state directory', () => {
  it('starts no second core: a dialog names the holder\'s pid, opens its dashboard on request, and the app exits', async () => {
    serve = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--port', '0'], { env: { ...process.env, VIGIL_RENDERER_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    serve.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    serve.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const url = (await waitFor(() => /Vigil dashboard: (\S+)/.exec(out), 20_000, 'the dashboard URL of vigil serve'))[1]!;
    const stateOf = async (): Promise<VigilState> =>
      (await (await fetch(new URL('/api/state', url), { headers: { Authorization: `Bearer ${new URL(url).searchParams.get('token')}` } })).json()) as VigilState;
    const backend = await waitFor(async () => (await stateOf()).backends.find((b) => b.status === 'ready'), 20_000, 'the backend ready under vigil serve');

    const { rec } = electron;
    rec.messageBoxResponse = 0; // "Open its dashboard"
    await import('./main.js');
    await waitFor(() => rec.exitCode !== null, 20_000, 'the app to exit');

    expect(rec.exitCode).toBe(0);
    expect(rec.messageBoxes).toHaveLength(1);
    expect(rec.messageBoxes[0]).toMatchObject({
      message: `Another Vigil (pid ${serve.pid}) already watches the backends of ${state}.`,
      buttons: ['Open its dashboard', 'Quit'],
    });
    expect(rec.openedExternal).toEqual([url]);
    // No second core: no window, no tray; the lock and the backend stay with vigil serve, unadopted and untouched.
    expect(rec.windows).toEqual([]);
    expect(rec.trays).toEqual([]);
    expect(JSON.parse(readFileSync(path.join(state, 'vigil.lock'), 'utf8'))).toMatchObject({ pid: serve.pid, host: 'serve', dashboardUrl: url });
    await new Promise((r) => setTimeout(r, 500));
    expect((await stateOf()).backends.find((b) => b.id === 'fake')).toMatchObject({ status: 'ready', pid: backend.pid, adopted: false, restarts: 0 });
  }, 180_000);
});
