import { type ChildProcess } from 'node:child_process';
import { pickFreePort } from '../helpers.js';
export declare const CARELESS_MANAGER: string;
export declare const PYTHON: string;
/** A directory holding `name` → node, so `name fake-llama-server.mjs …` runs as a process called `name`. */
export declare function namedNode(name?: string, target?: string): {
    bin: string;
    cleanup: () => void;
};
export declare const LATE_LISTENER: string;
export interface LateListener {
    pid: number;
    port: number;
    /** Make it listen; resolves once it accepts connections. */
    listen(): Promise<void>;
    kill(): void;
}
/** late-listener.py run as `name` (python under that name): bound to a port, listening only when told. */
export declare function startLateListener(name?: string): Promise<LateListener & {
    cleanup: () => void;
}>;
/** argv of the fake llama-server under a server's name. */
export declare const fakeServerArgv: (bin: string, port: number, extra?: string[]) => string[];
/** The test bed's real llama-server, or null (with the reason) when it is not built. */
export declare function realLlamaServer(): {
    bin: string;
} | {
    missing: string;
};
/** argv of the real llama-server in router mode (no model: it serves /health and lists no models). */
export declare function routerArgv(bin: string, port: number): string[];
export interface ShellStarted {
    shell: ChildProcess;
    /** pid of the server (the shell's child). */
    pid: number;
    port: number;
    kill(sig?: NodeJS.Signals): void;
}
/** `sh -c 'SERVER ARGS & wait'`: the server is the shell's child, the shell its parent (which reaps it). */
export declare function startFromShell(argv: string[], port: number): Promise<ShellStarted>;
export interface Managed {
    manager: ChildProcess;
    managerPid: number;
    /** pid of the child it started and will never reap. */
    pid: number;
    kill(): void;
}
/** The careless manager starting `argv` (optionally inside a memory cgroup). */
export declare function startCareless(argv: string[], opts?: {
    comm?: string;
    cgroupProcs?: string;
}): Promise<Managed>;
/** Resolves once something accepts connections on 127.0.0.1:port. */
export declare function waitForPort(port: number, timeoutMs?: number): Promise<void>;
export { pickFreePort };
