import type { SystemMemory } from '../../common/state.js';
declare const MEMINFO_FIELDS: readonly ["MemTotal", "MemAvailable", "SwapTotal", "SwapFree"];
type MeminfoField = (typeof MEMINFO_FIELDS)[number];
/** Parse /proc/meminfo text; values in bytes. Throws naming the file, line and field on bad input. */
export declare function parseMeminfo(text: string, file?: string): Record<MeminfoField, number>;
export type Psi = NonNullable<SystemMemory['psi']>;
/** Parse /proc/pressure/memory text. Throws naming file, line and field on bad input. */
export declare function parsePsi(text: string, file?: string): Psi;
/** PSI for memory, or null when the kernel has none (file absent, or psi=0 → EOPNOTSUPP). */
export declare function readPsi(procRoot?: string): Psi | null;
/**
 * meminfo + PSI through kept fds: the sampler reads both every second, and
 * open+close of each costs as much kernel work as the read itself.
 */
export declare class SystemMemoryReader {
    private readonly meminfo;
    private readonly psi;
    constructor(procRoot?: string);
    /** Throws a clear error when meminfo is missing or malformed. */
    read(now?: number): SystemMemory;
    close(): void;
}
/** meminfo + PSI, once. Throws a clear error when meminfo is missing or malformed. */
export declare function readSystemMemory(procRoot?: string, now?: number): SystemMemory;
export {};
