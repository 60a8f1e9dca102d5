import type { CapabilityCheck } from '../capabilities.js';
/**
 * Whether this process may ptrace one it did not start: as root, or where
 * Yama does not restrict ptrace to descendants (kernel.yama.ptrace_scope 0).
 */
export declare const ptraceOthers: CapabilityCheck;
/**
 * The compute worker of a llama-server that has decoded at least once: of
 * the threads other than the main one, the one that used the most CPU (the
 * HTTP threads use next to none), the later-started on a tie.
 */
export declare function computeWorker(pid: number): number;
export interface Stall {
    tid: number;
    release(): Promise<void>;
}
/** Stops thread `tid` alone until release(). */
export declare function stallThread(tid: number): Promise<Stall>;
