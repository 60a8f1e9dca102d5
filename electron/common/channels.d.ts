import type { RequestName } from './api.js';
/** IPC channel names (Electron) — also the `method` field on the WebSocket bridge. */
export declare const CHANNELS: {
    readonly request: (name: RequestName) => "vigil:getState" | "vigil:start" | "vigil:stop" | "vigil:restart" | "vigil:reap" | "vigil:getLogs" | "vigil:getEvents" | "vigil:getHistory" | "vigil:addBackend" | "vigil:openConfig" | "vigil:predictFit" | "vigil:stopWatched" | "vigil:restartWatchedUnit" | "vigil:adoptWatched";
    /** main → renderer: full state snapshot. */
    readonly state: "vigil:state";
    /** renderer → main: subscribe/unsubscribe to a backend's log lines. */
    readonly logSubscribe: "vigil:log-subscribe";
    readonly logUnsubscribe: "vigil:log-unsubscribe";
    /** main → renderer: new log lines (LogChunk). */
    readonly log: "vigil:log";
    /** main → renderer: focus a backend (from a notification click). */
    readonly focus: "vigil:focus";
};
