import type { MemoryAlert, SystemMemory } from '../../common/state.js';
export interface AlertConfig {
    memAvailableBelowBytes?: number;
    memAvailableBelowPercent?: number;
    psiFullAvg10Above?: number;
    /** Warn when a backend's memory (cgroup usage, else RSS) is within this percent of its memoryLimit. */
    limitMarginPercent?: number;
    /** An active alert clears only once the value is this percent (relative) past its threshold on the safe side. Default 10. */
    hysteresisPercent?: number;
}
export interface AlertBackend {
    id: string;
    memoryLimit: number | null;
    /** Process-tree RSS in bytes: compared with the limit only when cgroupUsage is absent. */
    rss: number;
    /** Bytes the kernel charges to the backend's memory cgroup; null or absent without a cgroup (or when it could not be read). */
    cgroupUsage?: number | null;
}
/**
 * The alerts that hold for this sample. Ids in `active` are judged with the
 * relaxed (hysteresis) threshold, so they stay until clearly recovered.
 */
export declare function evaluateAlerts(cfg: AlertConfig, sample: {
    system: SystemMemory | null;
}, backends: readonly AlertBackend[], active?: ReadonlySet<string>): MemoryAlert[];
export interface AlertTransitions {
    raised: MemoryAlert[];
    cleared: MemoryAlert[];
}
export declare class AlertTracker {
    private readonly cfg;
    private readonly current;
    constructor(cfg: AlertConfig);
    /** Evaluate a sample; report alerts that started (with their figures) and ones that cleared (with the last figures seen). */
    update(sample: {
        system: SystemMemory | null;
    }, backends: readonly AlertBackend[]): AlertTransitions;
    /** Alerts in force now (for the state snapshot). */
    active(): MemoryAlert[];
}
