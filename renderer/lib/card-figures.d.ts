import type { BackendView } from '../../electron/common/state.js';
export interface Fact {
    label: string;
    text: string;
    /** More detail on hover; null when none. */
    title?: string | null;
}
/** 'Uptime 5m 02s' for a live process; 'Exited 20s ago' once none is running; '—' when neither is known. */
export declare function lifeFact(b: Pick<BackendView, 'status' | 'startedAt' | 'lastExit'>, now: number): Fact;
/** '12:04:31 (in 20s)' while in backoff with a planned start, else null. */
export declare function nextStart(b: Pick<BackendView, 'status' | 'nextRestartAt'>, now: number): string | null;
/**
 * RSS of the live process tree (with its breakdown on hover), against the
 * memory limit when there is one. Without a live process there is no memory:
 * what is left is shown as the past — the kernel's figure at an OOM kill, or
 * the last sample before the exit — never as a current figure.
 */
export declare function memoryFact(b: Pick<BackendView, 'status' | 'pid' | 'memory' | 'memoryLimit' | 'lastExit'>): Fact;
/** The smoothed probe latency; an unhealthy backend's checks fail, so it shows that instead of the last good answer's latency. */
export declare function healthFact(b: Pick<BackendView, 'status' | 'healthLatencyMs'>): Fact;
