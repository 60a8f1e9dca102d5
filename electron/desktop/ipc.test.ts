// IPC handlers with the Electron mock's ipcMain and a fake webContents: a foreign sender or
// frame is refused, an invalid payload is rejected by field, a valid call
// reaches the service; state is pushed and log subscriptions work.
import type { IpcMain, WebContents } from 'electron';
import { afterEach, describe, expect, it } from 'vitest';
import { CHANNELS } from '../common/channels.js';
import { createElectronMock } from '../../test-support/electron-mock.js';
import { backend, baseState, fakeService } from '../../test-support/fake-service.js';
import { registerIpc, type IpcHost } from './ipc.js';

const PAGE = 'file:///opt/vigil/out/renderer/index.html';

function webContents() {
  const sent: [string, unknown][] = [];
  const mainFrame = { url: PAGE, parent: null };
  const wc = { sent, mainFrame, send: (ch: string, v: unknown) => sent.push([ch, v]), isDestroyed: () => false };
  return wc;
}

let host: IpcHost | null = null;
afterEach(() => host?.dispose());

function setup() {
  const ipc = createElectronMock().module.ipcMain;
  const svc = fakeService(baseState([backend('llama')]));
  const ours = webContents();
  host = registerIpc(ipc as unknown as IpcMain, { service: svc, getWebContents: () => ours as unknown as WebContents, allowedUrl: PAGE });
  const call = (name: string, payload: unknown, sender: unknown = ours, frame: unknown = ours.mainFrame) =>
    ipc.handlers.get(`vigil:${name}`)!({ sender, senderFrame: frame }, payload);
  return { ipc, svc, ours, call };
}

describe('registerIpc', () => {
  it('registers one handler per request and accepts a valid call from our window', async () => {
    const { ipc, svc, call } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual(['addBackend', 'adoptWatched', 'getEvents', 'getHistory', 'getLogs', 'getState', 'openConfig', 'predictFit', 'reap', 'restart', 'restartWatchedUnit', 'start', 'stop', 'stopWatched'].map((n) => `vigil:${n}`));
    await expect(call('restart', { id: 'llama' })).resolves.toEqual({ ok: true, message: 'restart llama' });
    // Our page with a hash/query is still our page.
    await expect(call('stop', { id: 'llama' }, undefined, { url: `${PAGE}#/backend/llama`, parent: null })).resolves.toMatchObject({ ok: true });
    expect(svc.calls).toEqual([{ method: 'restart', req: { id: 'llama' } }, { method: 'stop', req: { id: 'llama' } }]);
  });

  it('refuses a foreign webContents, a foreign frame URL and a subframe', async () => {
    const { ours, svc, call } = setup();
    const other = webContents();
    await expect(call('start', { id: 'llama' }, other, other.mainFrame)).rejects.toThrow(/not the Vigil window/);
    await expect(call('start', { id: 'llama' }, ours, { url: 'https://evil.example/', parent: null })).rejects.toThrow(/not the Vigil window/);
    await expect(call('start', { id: 'llama' }, ours, { url: 'file:///tmp/evil.html', parent: null })).rejects.toThrow(/not the Vigil window/);
    await expect(call('start', { id: 'llama' }, ours, { url: PAGE, parent: ours.mainFrame })).rejects.toThrow(/not the Vigil window/);
    expect(svc.calls).toEqual([]);
  });

  it('rejects an invalid payload naming the field', async () => {
    const { svc, call } = setup();
    await expect(call('start', { id: '../../etc' })).rejects.toThrow(/^field 'id': /);
    await expect(call('getLogs', { id: 'llama', lines: 'all' })).rejects.toThrow(/^field 'lines': /);
    await expect(call('getEvents', { limit: 5, evil: true })).rejects.toThrow(/^field 'evil': /);
    await expect(call('getState', { x: 1 })).rejects.toThrow(/takes no payload/);
    expect(svc.calls).toEqual([]);
  });

  it('pushes state to our window and forwards subscribed logs; focus goes on its channel', async () => {
    const { ipc, svc, ours } = setup();
    svc.setState(baseState([backend('whisper')]));
    expect(ours.sent.at(-1)).toEqual([CHANNELS.state, { version: 2, from: 1, delta: { lists: { backends: { remove: ['llama'], add: [backend('whisper')] } } } }]);
    // A page that (re)loads asks for the snapshot; a foreign frame asking gets nothing.
    const foreignFrame = { url: 'https://evil.example/', parent: null };
    ipc.emit(CHANNELS.stateResync, { sender: ours, senderFrame: foreignFrame });
    expect(ours.sent).toHaveLength(1);
    ipc.emit(CHANNELS.stateResync, { sender: ours, senderFrame: ours.mainFrame });
    expect(ours.sent.at(-1)).toEqual([CHANNELS.state, { version: 2, state: baseState([backend('whisper')]) }]);
    ipc.emit(CHANNELS.logSubscribe, { sender: ours, senderFrame: ours.mainFrame }, 'llama');
    const foreign = webContents();
    ipc.emit(CHANNELS.logSubscribe, { sender: foreign, senderFrame: foreign.mainFrame }, 'whisper');
    svc.pushLog({ id: 'llama', lines: [{ time: 1, stream: 'stdout', text: 'x' }], path: null });
    svc.pushLog({ id: 'whisper', lines: [{ time: 1, stream: 'stdout', text: 'y' }], path: null });
    expect(ours.sent.filter(([c]) => c === CHANNELS.log).map(([, v]) => (v as { id: string }).id)).toEqual(['llama']);
    ipc.emit(CHANNELS.logUnsubscribe, { sender: ours, senderFrame: ours.mainFrame }, 'llama');
    svc.pushLog({ id: 'llama', lines: [{ time: 2, stream: 'stdout', text: 'z' }], path: null });
    expect(ours.sent.filter(([c]) => c === CHANNELS.log)).toHaveLength(1);
    host!.focus('llama');
    expect(ours.sent.at(-1)).toEqual([CHANNELS.focus, 'llama']);
  });
});
