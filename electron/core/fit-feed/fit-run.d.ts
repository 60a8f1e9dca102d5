import type { FitEstimate } from '../../common/fit.js';
import type { BackendView, MemoryBreakdown } from '../../common/state.js';
import type { FitEnvironment } from '../fit/index.js';
export interface RunCommand {
    argv: readonly string[];
    cwd: string | null;
    env: Record<string, string | undefined>;
}
type Split = Pick<MemoryBreakdown, 'rss' | 'anon' | 'file'>;
export declare class FitRun {
    readonly backend: string;
    /** Null: no prediction (not llama-server, unreadable model): nothing is measured. */
    readonly prediction: FitEstimate | null;
    readonly command: RunCommand;
    /** What there was when it started: the advice judges options against the same. */
    readonly machine: FitEnvironment;
    /** ms; a process that started before this is not this run's. */
    readonly predictedAt: number;
    /** The process this run is, once the state shows it spawned. */
    pid: number | null;
    /** When the run was first seen ready (ms), null before. */
    readyAt: number | null;
    /** What it took was recorded once ready: only such runs are recorded again at their end. */
    recordedReady: boolean;
    /** The run's exit was seen. */
    ended: boolean;
    /** The OOM record the advice was last made for (its figures change when the kernel's line arrives). */
    adviceKey: string | null;
    adviceAnnounced: boolean;
    /** The tree's figures at its highest RSS so far. */
    private top;
    constructor(backend: string, 
    /** Null: no prediction (not llama-server, unreadable model): nothing is measured. */
    prediction: FitEstimate | null, command: RunCommand, 
    /** What there was when it started: the advice judges options against the same. */
    machine: FitEnvironment, 
    /** ms; a process that started before this is not this run's. */
    predictedAt: number);
    /** Binds the run to the process the state shows, if it is this run's. */
    bind(b: Pick<BackendView, 'pid' | 'startedAt'>): void;
    /** A sample of this run's process tree. */
    sample(m: MemoryBreakdown | null): void;
    /** The highest figures seen, or null before the first sample. */
    get peak(): Split | null;
}
/** Identity of an OOM record for the advice: another kill, or the same one with the kernel's figures now. */
export declare function oomKey(exit: NonNullable<BackendView['lastExit']>): string;
export {};
