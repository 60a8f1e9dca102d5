// Per-backend serialisation: each command (and each policy restart) runs
// after the previous one settles, so start/stop/restart/reap never interleave
// on one backend. Expected failures come back as results; an exception is a
// fault in Vigil, logged for its developers and answered with a generic
// message rather than shown to the user as if it were their doing.
import type { CommandResult } from '../../common/api.js';
import type { BackendCommand } from '../../common/commands.js';
import type { Logger } from '../diagnostics.js';

const DOING: Record<BackendCommand, string> = { start: 'starting', stop: 'stopping', restart: 'restarting', reap: 'reaping' };
export const INTERNAL_ERROR = "internal error (see Vigil's log)";

export class CommandQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly inflight = new Set<BackendCommand>();

  constructor(
    private readonly name: string,
    private readonly log: Logger,
  ) {}

  /** Run `fn` after everything queued before it. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.tail.then(fn, fn);
    this.tail = p.then(noop, noop);
    return p;
  }

  /** Queued work that nobody awaits (a policy restart): a fault is logged. */
  task(what: string, fn: () => Promise<void>): void {
    this.run(fn).catch((e: unknown) => this.log.error(`${this.name}: ${what} failed`, e));
  }

  /** A user command: refused while the same one is queued or running ("already stopping"). */
  command(name: BackendCommand, fn: () => Promise<CommandResult>): Promise<CommandResult> {
    if (this.inflight.has(name)) return Promise.resolve({ ok: false, message: `already ${DOING[name]}` });
    this.inflight.add(name);
    return this.run(fn)
      .catch((e: unknown): CommandResult => {
        this.log.error(`${this.name}: ${name} failed`, e);
        return { ok: false, message: INTERNAL_ERROR };
      })
      .finally(() => this.inflight.delete(name));
  }
}

function noop(): void {}
