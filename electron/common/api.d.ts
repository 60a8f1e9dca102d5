import { z } from 'zod';
import type { FitPrediction } from './fit.js';
import type { History, VigilEvent, VigilState } from './state.js';
export declare const BackendId: z.ZodString;
export declare const IdRequest: z.ZodObject<{
    id: z.ZodString;
}, z.core.$strict>;
/** `anyway`: start this once even when the fit policy `refuse` would not (the dashboard's "Start anyway"). */
export declare const StartRequest: z.ZodObject<{
    id: z.ZodString;
    anyway: z.ZodOptional<z.ZodBoolean>;
}, z.core.$strict>;
/** The add-backend form's "will it fit?": a command as typed (argv, or one string split like the config's `cmd`). */
export declare const PredictFitRequest: z.ZodObject<{
    cmd: z.ZodUnion<readonly [z.ZodString, z.ZodArray<z.ZodString>]>;
    memoryLimit: z.ZodOptional<z.ZodNullable<z.ZodUnion<readonly [z.ZodString, z.ZodNumber]>>>;
    cwd: z.ZodOptional<z.ZodNullable<z.ZodString>>;
    env: z.ZodOptional<z.ZodRecord<z.ZodString, z.ZodString>>;
}, z.core.$strict>;
export declare const LogsRequest: z.ZodObject<{
    id: z.ZodString;
    lines: z.ZodOptional<z.ZodNumber>;
}, z.core.$strict>;
export declare const EventsRequest: z.ZodObject<{
    backend: z.ZodOptional<z.ZodString>;
    since: z.ZodOptional<z.ZodNumber>;
    until: z.ZodOptional<z.ZodNumber>;
    limit: z.ZodOptional<z.ZodNumber>;
}, z.core.$strict>;
export declare const HistoryRequest: z.ZodObject<{
    range: z.ZodEnum<{
        hour: "hour";
        day: "day";
    }>;
    series: z.ZodOptional<z.ZodArray<z.ZodString>>;
    since: z.ZodOptional<z.ZodNumber>;
}, z.core.$strict>;
/** The add-backend form: `yaml` is one backend's config (the same schema as the file). */
export declare const AddBackendRequest: z.ZodObject<{
    id: z.ZodString;
    config: z.ZodRecord<z.ZodString, z.ZodUnknown>;
}, z.core.$strict>;
/** A watched server: `w-<pid>-<start time>` (the id never names a later process with the same pid). */
export declare const WatchedId: z.ZodString;
export declare const WatchedIdRequest: z.ZodObject<{
    id: z.ZodString;
}, z.core.$strict>;
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
/** Request/response methods of the API: name → [request schema, response type]. */
export interface VigilRequests {
    getState: [void, VigilState];
    start: [StartRequest, CommandResult];
    stop: [IdRequest, CommandResult];
    restart: [IdRequest, CommandResult];
    reap: [IdRequest, CommandResult];
    getLogs: [LogsRequest, LogChunk];
    getEvents: [EventsRequest, VigilEvent[]];
    getHistory: [HistoryRequest, History];
    addBackend: [AddBackendRequest, CommandResult];
    openConfig: [void, CommandResult];
    predictFit: [PredictFitRequest, FitPrediction];
    stopWatched: [WatchedIdRequest, CommandResult];
    restartWatchedUnit: [WatchedIdRequest, CommandResult];
    adoptWatched: [WatchedIdRequest, CommandResult];
}
export type RequestName = keyof VigilRequests;
/** Schemas the host validates each request against (`null` = no payload). */
export declare const REQUEST_SCHEMAS: {
    [K in RequestName]: z.ZodType | null;
};
export declare const REQUEST_NAMES: RequestName[];
export type Unsubscribe = () => void;
/** Bridge connection as the UI should show it (Electron IPC is always 'connected'). */
export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';
/** `window.vigil`: one typed method per action, plus subscriptions. */
export interface VigilApi {
    getState(): Promise<VigilState>;
    /** `anyway`: once, despite the fit policy `refuse`. */
    start(id: string, opts?: {
        anyway?: boolean;
    }): Promise<CommandResult>;
    stop(id: string): Promise<CommandResult>;
    restart(id: string): Promise<CommandResult>;
    reap(id: string): Promise<CommandResult>;
    getLogs(req: LogsRequest): Promise<LogChunk>;
    getEvents(req: EventsRequest): Promise<VigilEvent[]>;
    getHistory(req: HistoryRequest): Promise<History>;
    addBackend(req: AddBackendRequest): Promise<CommandResult>;
    openConfig(): Promise<CommandResult>;
    /** What llama-server with this command would take, judged against this machine (never a figure for another program). */
    predictFit(req: PredictFitRequest): Promise<FitPrediction>;
    /** A server Vigil did not start: SIGTERM (then SIGKILL) through its pidfd. */
    stopWatched(id: string): Promise<CommandResult>;
    /** `systemctl [--user] restart UNIT` of a watched server; systemctl's own words when refused. */
    restartWatchedUnit(id: string): Promise<CommandResult>;
    /** Stop a watched server and start the same command line as a backend of Vigil's. */
    adoptWatched(id: string): Promise<CommandResult>;
    onState(cb: (s: VigilState) => void): Unsubscribe;
    onLog(id: string, cb: (chunk: LogChunk) => void): Unsubscribe;
    onFocus(cb: (backendId: string) => void): Unsubscribe;
    onConnection(cb: (s: ConnectionStatus) => void): Unsubscribe;
}
/**
 * The host-side service the core implements; hosts (Electron IPC, WebSocket
 * bridge, REST) validate payloads with REQUEST_SCHEMAS and call these.
 */
export interface VigilService {
    getState(): VigilState;
    start(req: StartRequest): Promise<CommandResult>;
    stop(req: IdRequest): Promise<CommandResult>;
    restart(req: IdRequest): Promise<CommandResult>;
    reap(req: IdRequest): Promise<CommandResult>;
    getLogs(req: LogsRequest): Promise<LogChunk>;
    getEvents(req: EventsRequest): Promise<VigilEvent[]>;
    getHistory(req: HistoryRequest): Promise<History>;
    addBackend(req: AddBackendRequest): Promise<CommandResult>;
    openConfig(): Promise<CommandResult>;
    predictFit(req: PredictFitRequest): Promise<FitPrediction>;
    stopWatched(req: WatchedIdRequest): Promise<CommandResult>;
    restartWatchedUnit(req: WatchedIdRequest): Promise<CommandResult>;
    adoptWatched(req: WatchedIdRequest): Promise<CommandResult>;
    /** Called with every new state snapshot; returns unsubscribe. */
    subscribe(cb: (s: VigilState) => void): Unsubscribe;
    /** Live log lines of one backend. */
    subscribeLogs(id: string, cb: (chunk: LogChunk) => void): Unsubscribe;
    /** Stop backends (not keepRunningOnQuit) and close everything. */
    shutdown(onProgress?: (msg: string) => void): Promise<void>;
}
