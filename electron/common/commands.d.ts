import type { BackendStatus, BackendView } from './state.js';
export type BackendCommand = 'start' | 'stop' | 'restart' | 'reap';
export declare const BACKEND_COMMANDS: readonly BackendCommand[];
/** States in which a process of the backend is (or is about to be) alive. */
export declare const LIVE_STATUSES: readonly BackendStatus[];
/**
 * Commands by state. `reap` is listed where a zombie can wait; it is offered
 * only while one really does (`awaitingReap`). Nothing is accepted while a
 * stop is in flight: the process group is being signalled and waited for.
 */
export declare const COMMANDS_BY_STATUS: Readonly<Record<BackendStatus, readonly BackendCommand[]>>;
export type CommandSubject = Pick<BackendView, 'status' | 'awaitingReap'>;
/** Null when `command` is accepted now, else why not (shown to the user as is). */
export declare function commandRefusal(command: BackendCommand, b: CommandSubject): string | null;
export declare function commandAllowed(command: BackendCommand, b: CommandSubject): boolean;
