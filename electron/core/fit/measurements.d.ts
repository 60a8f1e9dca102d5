import { z } from 'zod';
import type { FitEstimate, FitSettings } from '../../common/fit.js';
import type { Correction } from './estimate.js';
import { type ServerMemoryLog } from './server-log.js';
export declare const MEASUREMENTS_FILE = "fit-measurements.json";
declare const runSchema: z.ZodObject<{
    key: z.ZodString;
    at: z.ZodNumber;
    settings: z.ZodObject<{
        ctx: z.ZodNumber;
        ctxSource: z.ZodEnum<{
            flag: "flag";
            trained: "trained";
            fitted: "fitted";
        }>;
        parallel: z.ZodNumber;
        kvUnified: z.ZodBoolean;
        cacheTypeK: z.ZodString;
        cacheTypeV: z.ZodString;
        ubatch: z.ZodNumber;
        flashAttn: z.ZodBoolean;
        mmap: z.ZodBoolean;
        mlock: z.ZodBoolean;
        swaFull: z.ZodBoolean;
        gpuLayers: z.ZodNumber;
    }, z.core.$strip>;
    formula: z.ZodObject<{
        total: z.ZodNumber;
        weights: z.ZodNumber;
        weightsAnon: z.ZodNumber;
        kv: z.ZodNumber;
        recurrent: z.ZodNumber;
        output: z.ZodNumber;
        compute: z.ZodNumber;
    }, z.core.$strip>;
    predicted: z.ZodNumber;
    measured: z.ZodObject<{
        peak: z.ZodNumber;
        rss: z.ZodNumber;
        anon: z.ZodNumber;
        file: z.ZodNumber;
        cgroupPeak: z.ZodNullable<z.ZodNumber>;
        log: z.ZodNullable<z.ZodObject<{
            model: z.ZodNumber;
            modelAnon: z.ZodNumber;
            kv: z.ZodNumber;
            recurrent: z.ZodNumber;
            output: z.ZodNumber;
            compute: z.ZodNumber;
        }, z.core.$strip>>;
    }, z.core.$strip>;
    error: z.ZodNumber;
}, z.core.$strip>;
export type MeasuredRun = z.infer<typeof runSchema>;
/** The memory flags that make two runs comparable. */
export declare function settingsKey(s: FitSettings): string;
export declare const describeSettings: (s: Pick<FitSettings, "ctx" | "cacheTypeK" | "cacheTypeV">) => string;
export interface MeasuredInput {
    /** The tree's RSS split (bytes) at its peak so far (after ready, or at the end of the run). */
    rss: number;
    anon: number;
    file: number;
    /** The backend cgroup's peak charge, when it has one. */
    cgroupPeak?: number | null;
    /** llama-server's own figures (-lv 4), when it printed them. */
    log?: ServerMemoryLog | null;
}
export interface RecordResult {
    run: MeasuredRun;
    /** "predicted 7.4 GiB, took 7.1 GiB (+4 %)" */
    text: string;
}
export declare class MeasurementStore {
    readonly file: string;
    private data;
    private writing;
    private constructor();
    /** Opens (or starts) the store in `stateDir`; `warning` says what was wrong with a file that had to be rebuilt. */
    static open(stateDir: string): Promise<{
        store: MeasurementStore;
        warning: string | null;
    }>;
    runs(modelId: string): readonly MeasuredRun[];
    /**
     * Records what a run took, for the prediction made before it started. Call it
     * when the run is ready and again when it ends (with its final peak): the
     * highest peak for the same model and flags is kept.
     */
    record(prediction: FitEstimate, m: MeasuredInput): Promise<RecordResult>;
    /** What earlier runs of this model say about `settings`, or null when none applies (another placement, or none measured). */
    correctionFor(modelId: string, settings: FitSettings): Correction | null;
    private save;
}
export declare function correctionFrom(r: MeasuredRun, kind: 'same' | 'corrected'): Correction;
export {};
