import type { CommandResult } from '../../common/api.js';
import type { BackendCommand } from '../../common/commands.js';
import type { Logger } from '../diagnostics.js';
export declare const INTERNAL_ERROR = "internal error (see Vigil's log)";
export declare class CommandQueue {
    private readonly name;
    private readonly log;
    private tail;
    private readonly inflight;
    constructor(name: string, log: Logger);
    /** Run `fn` after everything queued before it. */
    run<T>(fn: () => Promise<T>): Promise<T>;
    /** Queued work that nobody awaits (a policy restart): a fault is logged. */
    task(what: string, fn: () => Promise<void>): void;
    /** A user command: refused while the same one is queued or running ("already stopping"). */
    command(name: BackendCommand, fn: () => Promise<CommandResult>): Promise<CommandResult>;
}
