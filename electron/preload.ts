// The sandboxed preload: exposes window.vigil (VigilApi) as one typed
// method per action over IPC. No raw ipcRenderer reaches the page, and
// nothing but 'electron' and zod-free constants is bundled in.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { AddBackendRequest, EventsRequest, HistoryRequest, LogChunk, LogsRequest, PredictFitRequest, RequestName, Unsubscribe, VigilApi } from './common/api.js';
import { CHANNELS } from './common/channels.js';
import type { VigilState } from './common/state.js';

// Electron rejects with "Error invoking remote method 'vigil:start': Error: <message>"; the
// dashboard names the action itself, so pass on the main process's message alone.
const REMOTE_PREFIX = /^Error invoking remote method '[^']*': (?:\w*Error: )?/;
const invoke = <T>(name: RequestName, payload?: unknown): Promise<T> =>
  (ipcRenderer.invoke(CHANNELS.request(name), payload) as Promise<T>).catch((e: unknown) => {
    throw new Error((e instanceof Error ? e.message : String(e)).replace(REMOTE_PREFIX, ''), { cause: e });
  });

function listen<T>(channel: string, cb: (v: T) => void): Unsubscribe {
  const fn = (_e: IpcRendererEvent, v: T): void => cb(v);
  ipcRenderer.on(channel, fn);
  return () => void ipcRenderer.removeListener(channel, fn);
}

// Several views may follow one backend's log; main is asked once per backend.
const logListeners = new Map<string, Set<(c: LogChunk) => void>>();
ipcRenderer.on(CHANNELS.log, (_e, chunk: LogChunk) => {
  for (const cb of logListeners.get(chunk.id) ?? []) cb(chunk);
});

const api: VigilApi = {
  getState: () => invoke('getState'),
  start: (id, opts) => invoke('start', opts?.anyway ? { id, anyway: true } : { id }),
  stop: (id) => invoke('stop', { id }),
  restart: (id) => invoke('restart', { id }),
  reap: (id) => invoke('reap', { id }),
  getLogs: (req: LogsRequest) => invoke('getLogs', req),
  getEvents: (req: EventsRequest) => invoke('getEvents', req),
  getHistory: (req: HistoryRequest) => invoke('getHistory', req),
  addBackend: (req: AddBackendRequest) => invoke('addBackend', req),
  openConfig: () => invoke('openConfig'),
  predictFit: (req: PredictFitRequest) => invoke('predictFit', req),
  stopWatched: (id) => invoke('stopWatched', { id }),
  restartWatchedUnit: (id) => invoke('restartWatchedUnit', { id }),
  adoptWatched: (id) => invoke('adoptWatched', { id }),
  onState: (cb) => listen<VigilState>(CHANNELS.state, cb),
  onFocus: (cb) => listen<string>(CHANNELS.focus, cb),
  onLog(id, cb) {
    let set = logListeners.get(id);
    if (!set) {
      set = new Set();
      logListeners.set(id, set);
      ipcRenderer.send(CHANNELS.logSubscribe, id);
    }
    set.add(cb);
    return () => {
      const s = logListeners.get(id);
      if (!s?.delete(cb) || s.size > 0) return;
      logListeners.delete(id);
      ipcRenderer.send(CHANNELS.logUnsubscribe, id);
    };
  },
  // IPC to our own main process cannot drop; report connected once.
  onConnection(cb) {
    queueMicrotask(() => cb('connected'));
    return () => {};
  },
};

contextBridge.exposeInMainWorld('vigil', api);
