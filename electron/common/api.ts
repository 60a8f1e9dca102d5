// The one contract between UI and host: the `window.vigil` API and zod schemas
// for every request payload (the request names are in request-names.ts and the
// IPC channel names in channels.ts, which the sandboxed preload imports without
// bundling zod). The Electron preload, the Electron main process, the headless
// host's WebSocket bridge and the renderer all import this module, so a
// channel or payload can't drift between them.
import { z } from 'zod';
import type { FitPrediction } from './fit.js';
import { REQUEST_NAMES, type RequestName } from './request-names.js';
import type { History, VigilEvent, VigilState } from './state.js';

export { REQUEST_NAMES, type RequestName };

export const BackendId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'backend id: letters, digits, . _ - (max 64)');

export const IdRequest = z.object({ id: BackendId }).strict();
/** `anyway`: start this once even when the fit policy `refuse` would not (the dashboard's "Start anyway"). */
export const StartRequest = z.object({ id: BackendId, anyway: z.boolean().optional() }).strict();
/** The add-backend form's "will it fit?": a command as typed (argv, or one string split like the config's `cmd`). */
export const PredictFitRequest = z
  .object({
    cmd: z.union([z.string().trim().min(1, 'command is empty').max(16_384), z.array(z.string().max(4096)).min(1, 'command is empty').max(1000)]),
    /** As in the config: '8G', '512MiB' or bytes. */
    memoryLimit: z.union([z.string().max(64), z.number().nonnegative()]).nullable().optional(),
    cwd: z.string().min(1).max(4096).nullable().optional(),
    env: z.record(z.string().max(256), z.string().max(16_384)).optional(),
  })
  .strict();
export const LogsRequest = z
  .object({ id: BackendId, lines: z.number().int().min(1).max(10000).optional() })
  .strict();
export const EventsRequest = z
  .object({
    backend: BackendId.optional(),
    since: z.number().finite().optional(),
    until: z.number().finite().optional(),
    limit: z.number().int().min(1).max(10000).optional(),
  })
  .strict();
export const HistoryRequest = z
  .object({
    range: z.enum(['hour', 'day']),
    /** Only these series (default: all). */
    series: z.array(z.string().max(200)).max(500).optional(),
    /** Only samples newer than this (seconds since epoch) for incremental updates. */
    since: z.number().finite().optional(),
  })
  .strict();
/** The add-backend form: `yaml` is one backend's config (the same schema as the file). */
export const AddBackendRequest = z
  .object({ id: BackendId, config: z.record(z.string(), z.unknown()) })
  .strict();

/** A watched server: `w-<pid>-<start time>` (the id never names a later process with the same pid). */
export const WatchedId = z.string().max(40).regex(/^w-[1-9]\d*-\d+$/, "watched server id: 'w-<pid>-<start time>', as state.watched lists it");
export const WatchedIdRequest = z.object({ id: WatchedId }).strict();

export type IdRequest = z.infer<typeof IdRequest>;
export type StartRequest = z.infer<typeof StartRequest>;
export type PredictFitRequest = z.infer<typeof PredictFitRequest>;
export type WatchedIdRequest = z.infer<typeof WatchedIdRequest>;
export type LogsRequest = z.infer<typeof LogsRequest>;
export type EventsRequest = z.infer<typeof EventsRequest>;
export type HistoryRequest = z.infer<typeof HistoryRequest>;
export type AddBackendRequest = z.infer<typeof AddBackendRequest>;

export interface CommandResult {
  ok: boolean;
  /** What happened or why not ('already running', 'no exited child to reap' …). */
  message: string;
  /** For reap: the exit it collected. */
  exit?: VigilEvent['exit'];
}

export interface LogLine {
  /** ms since epoch when Vigil read it. */
  time: number;
  stream: 'stdout' | 'stderr' | 'vigil';
  text: string;
}

export interface LogChunk {
  id: string;
  lines: LogLine[];
  /** Path of the log file on the host, for "open"/download. */
  path: string | null;
}

/** Request/response methods of the API: name → [request, response]; `window.vigil` and VigilService take the same request. */
export interface VigilRequests {
  getState: [void, VigilState];
  /** `anyway`: once, despite the fit policy `refuse` (the dashboard's "Start anyway"). */
  start: [StartRequest, CommandResult];
  stop: [IdRequest, CommandResult];
  restart: [IdRequest, CommandResult];
  reap: [IdRequest, CommandResult];
  getLogs: [LogsRequest, LogChunk];
  getEvents: [EventsRequest, VigilEvent[]];
  getHistory: [HistoryRequest, History];
  addBackend: [AddBackendRequest, CommandResult];
  openConfig: [void, CommandResult];
  /** What llama-server with this command would take, judged against this machine (never a figure for another program). */
  predictFit: [PredictFitRequest, FitPrediction];
  /** A server Vigil did not start: SIGTERM (then SIGKILL) through its pidfd. */
  stopWatched: [WatchedIdRequest, CommandResult];
  /** `systemctl [--user] restart UNIT` of a watched server; systemctl's own words when refused. */
  restartWatchedUnit: [WatchedIdRequest, CommandResult];
  /** Stop a watched server and start the same command line as a backend of Vigil's. */
  adoptWatched: [WatchedIdRequest, CommandResult];
}
// Every name has its request and response, and nothing else does.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const namesMatch: Exactly<keyof VigilRequests, RequestName> = true;
void namesMatch;

/** Schemas the host validates each request against (`null` = no payload). */
export const REQUEST_SCHEMAS: { [K in RequestName]: z.ZodType | null } = {
  getState: null,
  start: StartRequest,
  stop: IdRequest,
  restart: IdRequest,
  reap: IdRequest,
  getLogs: LogsRequest,
  getEvents: EventsRequest,
  getHistory: HistoryRequest,
  addBackend: AddBackendRequest,
  openConfig: null,
  predictFit: PredictFitRequest,
  stopWatched: WatchedIdRequest,
  restartWatchedUnit: WatchedIdRequest,
  adoptWatched: WatchedIdRequest,
};

/** One method per request: `(req) => Promise<response>`, or `() => …` for a request without payload. */
export type VigilRequestMethods = {
  [K in RequestName]: VigilRequests[K][0] extends void ? () => Promise<VigilRequests[K][1]> : (req: VigilRequests[K][0]) => Promise<VigilRequests[K][1]>;
};

export type Unsubscribe = () => void;

/** Bridge connection as the UI should show it (Electron IPC is always 'connected'). */
export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';

/** `window.vigil`: one typed method per action (electron/common/client.ts builds it over a transport), plus subscriptions. */
export interface VigilApi extends VigilRequestMethods {
  /** The state as the host has it: now (when known) and after every change. */
  onState(cb: (s: VigilState) => void): Unsubscribe;
  onLog(id: string, cb: (chunk: LogChunk) => void): Unsubscribe;
  onFocus(cb: (backendId: string) => void): Unsubscribe;
  onConnection(cb: (s: ConnectionStatus) => void): Unsubscribe;
}

/**
 * The host-side service the core implements; hosts (Electron IPC, WebSocket
 * bridge, REST) validate payloads with REQUEST_SCHEMAS and call these. Its
 * request methods are `window.vigil`'s (VigilRequests), but state is read at once.
 */
export interface VigilService extends Omit<VigilRequestMethods, 'getState'> {
  getState(): VigilState;
  /** Called with every new state snapshot; returns unsubscribe. */
  subscribe(cb: (s: VigilState) => void): Unsubscribe;
  /** Live log lines of one backend. */
  subscribeLogs(id: string, cb: (chunk: LogChunk) => void): Unsubscribe;
  /** Stop backends (not keepRunningOnQuit) and close everything. */
  shutdown(onProgress?: (msg: string) => void): Promise<void>;
}
