import { z } from 'zod';
export declare const RunningRecord: z.ZodObject<{
    id: z.ZodString;
    pid: z.ZodNumber;
    startTime: z.ZodNumber;
    pgid: z.ZodNumber;
    port: z.ZodNullable<z.ZodNumber>;
    logPath: z.ZodNullable<z.ZodString>;
    command: z.ZodArray<z.ZodString>;
    startedAt: z.ZodOptional<z.ZodNumber>;
}, z.core.$strip>;
export type RunningRecord = z.infer<typeof RunningRecord>;
export declare class RunningRegistry {
    private warn;
    readonly file: string;
    private records;
    /** Why the last write failed, so a lasting cause is said once. */
    private failed;
    constructor(stateDir: string, warn?: (msg: string) => void);
    /** Read the file left by a previous Vigil. */
    load(): RunningRecord[];
    set(rec: RunningRecord): void;
    delete(id: string): void;
    /** Temporary files a killed Vigil left between write and rename. */
    private removeStaleTemps;
    get(id: string): RunningRecord | undefined;
    all(): RunningRecord[];
    /**
     * Rewrite the file. It is called on the exit and spawn paths, so it never
     * throws: a full or read-only state directory is said once per cause, the
     * records stay in memory, and the next change writes them all again.
     */
    private flush;
}
