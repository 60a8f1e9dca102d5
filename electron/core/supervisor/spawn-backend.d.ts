import { type ProcessHandle } from '../../../native-bindings/process.js';
import type { MemoryLimit } from './memory-limit.js';
import type { RunningRegistry } from './running-registry.js';
import type { SupervisedBackendConfig } from './types.js';
/**
 * `${PORT}` and `${PID}` replaced in every element; a value not known yet
 * (null/undefined) leaves its macro as written, as the command is shown
 * before a port is chosen.
 */
export declare function substitute(argv: readonly string[], v: {
    port?: number | null;
    pid?: number | null;
}): string[];
/** The child's environment: Vigil's, with the backend's own on top. */
export declare function backendEnv(cfg: SupervisedBackendConfig): Record<string, string | undefined>;
export interface LaunchDeps {
    logPath: string;
    limit: MemoryLimit;
    registry: RunningRegistry;
    /** Writes a Vigil line into the backend's log. */
    note?: ((text: string) => void) | undefined;
    /** The process runs, but something around it failed (e.g. running.json not writable). */
    warn: (reason: string) => void;
}
export type Launch = {
    ok: true;
    handle: ProcessHandle;
    argv: string[];
    startedAt: number;
    logOffset: number;
} | {
    ok: false;
    argv: string[];
    reason: string;
};
/**
 * Spawn the backend on `port`. A program that cannot be started is an
 * expected failure (ok: false, with a reason for the user); anything else
 * thrown is a fault and propagates.
 */
export declare function launch(cfg: SupervisedBackendConfig, port: number | null, d: LaunchDeps): Launch;
