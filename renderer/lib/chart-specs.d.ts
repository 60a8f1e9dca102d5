export type Unit = 'bytes' | 'percent';
export interface ChartSpec {
    key: string;
    title: string;
    unit: Unit;
    /** Draw cumulative sums (area stack), top line = total. */
    stacked: boolean;
    series: {
        name: string;
        label: string;
    }[];
}
export declare function chartSpecs(names: Iterable<string>): ChartSpec[];
/** Changes when the set of charts or their series changes (then charts are rebuilt). */
export declare function specsSignature(specs: ChartSpec[]): string;
/**
 * Steps of the time axis, seconds. Samples are a second apart at best, so no
 * step is shorter: a few seconds of history must not be labelled in
 * milliseconds (':47.200').
 */
export declare const TIME_STEPS: number[];
/** Time-axis labels (seconds since epoch) in the dashboard's 24-hour clock: seconds only when the step needs them, the date from a day up. */
export declare function timeTicks(splits: readonly number[], step: number): string[];
/** Steps of a bytes axis: powers of two of each binary unit (16 MiB, 32 MiB, 64 MiB…), so ticks read as round sizes, not 47.7 MiB. */
export declare const BYTE_STEPS: number[];
