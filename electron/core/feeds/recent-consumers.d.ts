import type { Consumer } from '../oom/attribute.js';
export declare class RecentConsumers {
    private readonly samples;
    /** How far before a kill a sample may be and still describe it. */
    private readonly maxGapMs;
    private readonly keepMs;
    constructor(intervalMs: number);
    record(time: number, consumers: readonly Consumer[]): void;
    /** The backends' memory at the last sample before `time`; null when none is close enough (or the time is unknown). */
    at(time: number | null): readonly Consumer[] | null;
}
