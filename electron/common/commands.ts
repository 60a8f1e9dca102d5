// Which command a backend accepts in which state: one table, read by the
// supervisor's guards, the tray, the card and REST, so no two of them can
// disagree about what a button may do.
import type { BackendStatus, BackendView } from './state.js';

export type BackendCommand = 'start' | 'stop' | 'restart' | 'reap';
export const BACKEND_COMMANDS: readonly BackendCommand[] = ['start', 'stop', 'restart', 'reap'];

/**
 * Commands by state. `reap` is listed where a zombie can wait; it is offered
 * only while one really does (`awaitingReap`). Nothing is accepted while a
 * stop is in flight: the process group is being signalled and waited for.
 */
export const COMMANDS_BY_STATUS: Readonly<Record<BackendStatus, readonly BackendCommand[]>> = {
  stopped: ['start', 'restart'],
  starting: ['stop', 'restart'],
  loading: ['stop', 'restart'],
  ready: ['stop', 'restart'],
  unhealthy: ['stop', 'restart'],
  stopping: [],
  exited: ['start', 'stop', 'restart', 'reap'],
  backoff: ['start', 'stop', 'restart'],
  failed: ['start', 'stop', 'restart', 'reap'],
};

export type CommandSubject = Pick<BackendView, 'status' | 'awaitingReap'>;

/** Null when `command` is accepted now, else why not (shown to the user as is). */
export function commandRefusal(command: BackendCommand, b: CommandSubject): string | null {
  if (command === 'reap' && !b.awaitingReap) return 'no exited child to reap';
  if (COMMANDS_BY_STATUS[b.status].includes(command)) return null;
  if (b.status === 'stopping') return 'a stop is in progress';
  if (command === 'start') return `already running (${b.status})`;
  if (command === 'stop') return 'already stopped';
  return `${command} is not possible while ${b.status}`;
}

export function commandAllowed(command: BackendCommand, b: CommandSubject): boolean {
  return commandRefusal(command, b) === null;
}
