type Job = () => void;
/** Delay from `now` to the next multiple of `period` at least half a period away (a timer may fire a little early). */
export declare function delayToBoundary(now: number, period: number): number;
/** Run `job` every `periodMs`, on the ticker shared by all jobs of that period, until the returned stop is called. */
export declare function everyShared(periodMs: number, job: Job): () => void;
/** Number of live tickers (tests). */
export declare function sharedTimerCount(): number;
export {};
