import { type ChildProcess } from 'node:child_process';
export { BUILD_COMMAND } from './testbed.js';
export { itLlama as itRealLlama } from './it-llama.js';
/** The built binary (the tests that use it are defined with itRealLlama, which skips or fails where it is missing). */
export declare const llamaServerBinary: () => string;
/** A tiny llama model (or one claiming another `general.architecture`), generated once into the test bed's cache. */
export declare const tinyModel: (arch?: string) => Promise<string>;
export interface RealServer {
    child: ChildProcess;
    pid: number;
    port: number;
    logPath: string;
    log(): string;
    exited: Promise<[number | null, NodeJS.Signals | null]>;
    signal(sig: NodeJS.Signals): void;
    /** SIGCONT (in case it was stopped), SIGKILL, and wait for the exit. */
    kill(): Promise<void>;
}
/**
 * Starts llama-server with `args` (plus --port) writing stdout and stderr into
 * `logPath`, as Vigil's supervisor does. Resolves once /health answers 200
 * unless `waitReady` is false.
 */
export declare function startRealServer(args: string[], logPath: string, opts?: {
    port?: number;
    waitReady?: boolean;
}): Promise<RealServer>;
