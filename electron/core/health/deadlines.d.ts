export declare class Deadlines {
    private readonly entries;
    private timer;
    private armedAt;
    /** Call `fire` after `ms` unless the returned cancel runs first. */
    add(ms: number, fire: () => void): () => void;
    /** Pending deadlines (tests). */
    get size(): number;
    private arm;
    private disarm;
    private run;
}
