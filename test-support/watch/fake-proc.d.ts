export interface FakeProcess {
    comm: string;
    argv: string[];
    ppid?: number;
    state?: string;
    startTime?: number;
    /** 17 (SIGCHLD) for a process; -1 makes it a thread of another process. */
    exitSignal?: number;
}
export declare class FakeProc {
    readonly root: string;
    readonly cleanup: () => void;
    private lastPid;
    constructor();
    /** The kernel handed out a pid (loadavg's last-pid field moves). */
    handOut(pid?: number): void;
    add(pid: number, p: FakeProcess): void;
    /** exec: new command line (and comm), same pid and start time. */
    exec(pid: number, p: FakeProcess): void;
    remove(pid: number): void;
    private write;
    private writeLoadavg;
}
