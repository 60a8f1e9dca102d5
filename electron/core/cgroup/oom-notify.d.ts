/** Calls `cb` on every OOM notification of the cgroup; returns a stop, or null where notifications cannot be had (poll only). */
export declare function onOomNotice(cg: {
    version: 1 | 2;
    path: string;
}, cb: () => void): (() => void) | null;
