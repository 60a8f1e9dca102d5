import { type ChildProcess } from 'node:child_process';
import { type CapabilityCheck } from './privileged.js';
export declare const missingLlamaServerBinary: () => string | null;
export interface ProcMemory {
    rss: number;
    anon: number;
    file: number;
    shmem: number;
    /** VmHWM: the process's peak RSS. */
    hwm: number;
}
export declare function readProcMemory(pid: number): ProcMemory | null;
export declare function pickFreePort(): Promise<number>;
export interface LlamaRun {
    child: ChildProcess;
    pid: number;
    port: number;
    log: () => string;
    /** Resolves once /health is 200; rejects when the process exits first or the time runs out. */
    ready: Promise<void>;
    exited: Promise<{
        code: number | null;
        signal: NodeJS.Signals | null;
    }>;
    stop: () => Promise<void>;
}
/** Starts llama-server with `args` (no --port: one is picked). `cgroup`: a v1 memory cgroup to start it in. */
export declare function startLlamaServer(args: string[], opts?: {
    cgroup?: string;
    timeoutMs?: number;
    port?: number;
}): Promise<LlamaRun>;
/** Peak memory charged to a v1 memory cgroup. */
export declare const cgroupPeak: (cg: string) => number;
export declare function setCgroupLimit(cg: string, bytes: number): void;
/**
 * `it` for tests with the real llama-server: skips with the reason printed
 * where the binary or llama.cpp's vocab file is missing, fails instead when
 * VIGIL_REQUIRE_LLAMA_SERVER=1. `extra` adds a capability check (cgroups…)
 * that follows VIGIL_REQUIRE_PRIVILEGED_TESTS.
 */
export declare function itLlamaServer(name: string, fn: () => Promise<void>, timeout: number, extra?: CapabilityCheck): void;
