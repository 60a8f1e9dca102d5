// The VigilService every host calls (Electron IPC, the WebSocket bridge,
// REST): commands go to the backend's supervisor, reads to the state, the
// journal, the log tailers and the memory history. Payloads are validated by
// the hosts (REQUEST_SCHEMAS) before they get here.
import type { AddBackendRequest, CommandResult, IdRequest, LogChunk, PredictFitRequest, StartRequest, Unsubscribe, VigilService } from '../common/api.js';
import type { FitPrediction } from '../common/fit.js';
import type { History, VigilEvent, VigilState } from '../common/state.js';
import type { EventJournal } from './journal/event-journal.js';
import type { WatchFeed } from './feeds/watch/watch-feed.js';
import type { BackendLogs } from './logs/backend-logs.js';

/** The commands a backend's supervisor answers. */
export interface CommandTarget {
  /** `anyway`: once, despite a refusing pre-start check (the fit policy `refuse`). */
  start(opts?: { anyway?: boolean }): Promise<CommandResult>;
  stop(): Promise<CommandResult>;
  restart(): Promise<CommandResult>;
  reap(): Promise<CommandResult>;
}

export interface ServiceDeps {
  state: { get(): VigilState; subscribe(cb: (s: VigilState) => void): Unsubscribe };
  backend(id: string): CommandTarget | undefined;
  journal: Pick<EventJournal, 'query'>;
  logs: Pick<BackendLogs, 'get'>;
  history(req: Parameters<VigilService['getHistory']>[0]): History;
  /** Appends one backend to the config file and applies it. */
  addBackend(id: string, config: Record<string, unknown>): Promise<CommandResult>;
  openConfig(): Promise<CommandResult>;
  /** The fit prediction for a command as typed (the add-backend form). */
  predictFit(req: PredictFitRequest): Promise<FitPrediction>;
  shutdown(onProgress?: (msg: string) => void): Promise<void>;
  /** The actions on servers Vigil did not start (feeds/watch/watch-feed.ts). */
  watched: Pick<WatchFeed, 'stop' | 'restartUnit' | 'adopt'>;
}

const unknownBackend = (id: string): CommandResult => ({ ok: false, message: `unknown backend '${id}'` });

export function createService(deps: ServiceDeps): VigilService {
  const command = (name: Exclude<keyof CommandTarget, 'start'>) => (req: IdRequest): Promise<CommandResult> => {
    const b = deps.backend(req.id);
    return b ? b[name]() : Promise.resolve(unknownBackend(req.id));
  };
  return {
    getState: () => deps.state.get(),
    subscribe: (cb) => deps.state.subscribe(cb),
    start: (req: StartRequest) => {
      const b = deps.backend(req.id);
      if (!b) return Promise.resolve(unknownBackend(req.id));
      return req.anyway ? b.start({ anyway: true }) : b.start();
    },
    stop: command('stop'),
    restart: command('restart'),
    reap: command('reap'),
    getLogs: async (req): Promise<LogChunk> => {
      if (!deps.backend(req.id)) return { id: req.id, lines: [], path: null };
      const l = deps.logs.get(req.id);
      return { id: req.id, lines: l.tail(req.lines ?? 500), path: l.path };
    },
    subscribeLogs: (id, cb): Unsubscribe => {
      if (!deps.backend(id)) return () => {};
      const l = deps.logs.get(id);
      return l.subscribe((lines) => cb({ id, lines, path: l.path }));
    },
    getEvents: async (req): Promise<VigilEvent[]> => deps.journal.query(req),
    getHistory: async (req) => deps.history(req),
    addBackend: async (req: AddBackendRequest) => {
      if (deps.backend(req.id)) return { ok: false, message: `backend '${req.id}' already exists` };
      return deps.addBackend(req.id, req.config);
    },
    openConfig: () => deps.openConfig(),
    predictFit: (req) => deps.predictFit(req),
    stopWatched: (req) => deps.watched.stop(req.id),
    restartWatchedUnit: (req) => deps.watched.restartUnit(req.id),
    adoptWatched: (req) => deps.watched.adopt(req.id),
    shutdown: (onProgress) => deps.shutdown(onProgress),
  };
}
