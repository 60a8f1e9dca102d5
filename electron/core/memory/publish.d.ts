import type { GpuMemory, MemoryBreakdown, SystemMemory } from '../../common/state.js';
export declare const SYSTEM_REFRESH_MS = 10000;
/** A byte figure moved by what the dashboard can show: MIN_BYTES and MIN_SHARE of `scale`. */
export declare const movedBytes: (a: number | null, b: number | null, scale: number) => boolean;
/** A backend's memory moved noticeably (any figure, or the process count). */
export declare function backendMemoryMoved(prev: MemoryBreakdown | null, next: MemoryBreakdown | null): boolean;
/** System memory or GPU figures moved noticeably, or the published ones are older than SYSTEM_REFRESH_MS. */
export declare function systemMemoryMoved(prev: {
    system: SystemMemory | null;
    gpus: GpuMemory[];
}, next: {
    system: SystemMemory | null;
    gpus: GpuMemory[];
}): boolean;
