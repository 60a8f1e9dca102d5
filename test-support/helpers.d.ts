import { type ChildProcess } from 'node:child_process';
import { pickFreePort } from '../electron/core/ports.js';
export { pickFreePort };
export declare const FAKE_LLAMA_SERVER: string;
/** A fresh temp dir and its cleanup. */
export declare function tempDir(prefix?: string): {
    dir: string;
    cleanup: () => void;
};
/** Polls `predicate` until it returns truthy; rejects with `what` after `timeoutMs`. */
export declare function waitFor<T>(predicate: () => T | Promise<T>, timeoutMs?: number, what?: string, everyMs?: number): Promise<NonNullable<T>>;
export interface FakeServer {
    child: ChildProcess;
    port: number;
    url: string;
    output(): string;
    /** Resolves with [code, signal] once the child exited. */
    exited: Promise<[number | null, NodeJS.Signals | null]>;
    kill(sig?: NodeJS.Signals): void;
}
/** Starts the fake llama-server on a free port (child_process: fine here, no supervisor involved). */
export declare function startFakeServer(args?: string[], port?: number): Promise<FakeServer>;
