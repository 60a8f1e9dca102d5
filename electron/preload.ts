// The sandboxed preload: exposes window.vigil, the one client of the API
// (common/client.ts), over IPC: one typed method per action, each an
// ipcRenderer.invoke on its own channel. No raw ipcRenderer reaches the page,
// and nothing but 'electron' and zod-free modules is bundled in.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { LogChunk } from './common/api.js';
import { CHANNELS } from './common/channels.js';
import { createVigilClient, type ClientTransport } from './common/client.js';
import type { StateMessage } from './common/state-delta.js';

// Electron rejects with "Error invoking remote method 'vigil:start': Error: <message>"; the
// dashboard names the action itself, so pass on the main process's message alone.
const REMOTE_PREFIX = /^Error invoking remote method '[^']*': (?:\w*Error: )?/;

const on = <T>(channel: string, cb: (v: T) => void): void => {
  ipcRenderer.on(channel, (_e: IpcRendererEvent, v: T) => cb(v));
};

const ipc: ClientTransport = {
  request: (name, payload) =>
    ipcRenderer.invoke(CHANNELS.request(name), payload).catch((e: unknown) => {
      throw new Error((e instanceof Error ? e.message : String(e)).replace(REMOTE_PREFIX, ''), { cause: e });
    }),
  listen(h) {
    on<StateMessage>(CHANNELS.state, h.state);
    on<LogChunk>(CHANNELS.log, h.log);
    on<string>(CHANNELS.focus, h.focus);
  },
  resync: () => ipcRenderer.send(CHANNELS.stateResync),
  subscribeLogs: (id) => ipcRenderer.send(CHANNELS.logSubscribe, id),
  unsubscribeLogs: (id) => ipcRenderer.send(CHANNELS.logUnsubscribe, id),
  // IPC to our own main process cannot drop; report connected once.
  onConnection(cb) {
    queueMicrotask(() => cb('connected'));
    return () => {};
  },
};

contextBridge.exposeInMainWorld('vigil', createVigilClient(ipc));
