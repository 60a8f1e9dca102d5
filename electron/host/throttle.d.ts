/** Calls `send(latest)` at most once per `intervalMs`, never dropping the last value. */
export declare function throttleLatest<T>(intervalMs: number, send: (v: T) => void): {
    push(v: T): void;
    cancel(): void;
};
