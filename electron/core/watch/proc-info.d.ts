export interface StatInfo {
    pid: number;
    comm: string;
    /** State letter: R S D T t Z X … */
    state: string;
    ppid: number;
    pgrp: number;
    session: number;
    /** Field 22, clock ticks after boot. */
    startTime: number;
    /** Field 24, pages. */
    rssPages: number;
    /** Field 38: -1 for a thread that is not its group's leader (it signals nobody when it ends); NaN when the line is short. */
    exitSignal: number;
}
/** Parse /proc/<pid>/stat: fields after the LAST ')' (comm may hold ') ' and spaces). */
export declare function parseStat(line: string): StatInfo | null;
export declare function readStat(procRoot: string, pid: number): StatInfo | null;
/**
 * /proc/<pid>/stat through an fd kept open across ticks (one pread instead of
 * open, read, close). The fd stays bound to its process: once the process is
 * reaped it reads ESRCH (null), never a newer process that got the pid.
 */
export declare class KeptStat {
    private readonly path;
    private fd;
    constructor(path: string);
    read(): StatInfo | null;
    close(): void;
}
/** argv from /proc/<pid>/cmdline; [] for kernel threads and zombies; null when gone. */
export declare function readCmdline(procRoot: string, pid: number): string[] | null;
/** A /proc/<pid>/<link> symlink's target; null when gone or not ours to read (EACCES). */
export declare function readLink(procRoot: string, pid: number, link: 'exe' | 'cwd'): string | null;
/** Owner uid of the process (the owner of its /proc directory); null when gone. */
export declare function readUid(procRoot: string, pid: number): number | null;
export interface CgroupInfo {
    /** The systemd service it runs in, if any. */
    unit: {
        name: string;
        scope: 'system' | 'user';
        uid: number | null;
    } | null;
    /** Path in the memory hierarchy (v1 `memory` line, else the unified `0::` line), as the kernel prints it. */
    memcg: string | null;
}
/**
 * Unit and memory cgroup from /proc/<pid>/cgroup. A process in
 * `…/system.slice/ollama.service` runs in that system unit; one in
 * `…/user@1000.service/app.slice/llama.service` in the user unit of uid
 * 1000. Scopes (a terminal's session-2.scope, app-…scope) are not units
 * Vigil can restart, so they give none.
 */
export declare function parseCgroup(text: string): CgroupInfo;
export declare function readCgroup(procRoot: string, pid: number): CgroupInfo | null;
/** Inodes of the process's sockets (from its fd links); 'denied' when its fds are not ours to read; null when gone. */
export declare function socketInodes(procRoot: string, pid: number): Set<number> | 'denied' | null;
export interface ListenSocket {
    host: string;
    port: number;
    inode: number;
    uid: number;
}
/** LISTEN sockets (state 0A) of /proc/net/tcp or tcp6 text. */
export declare function parseListening(text: string, v6: boolean): ListenSocket[];
/**
 * The LISTEN rows of one TCP table; null when it does not exist. The table
 * is a seq_file that hands out about a page of whole rows per read(), so a
 * short read is not its end. The kernel prints its listening hash before
 * the established one (tcp_get_idx), so reading stops after the first read
 * that shows another state: by then every listener is printed, and the
 * machine's connections (thousands on a busy host, ~20 ms to print) are not.
 */
export declare function readListenTable(file: string, v6: boolean): ListenSocket[] | null;
/**
 * Listening sockets in the network namespace of `pid` (or of the reader,
 * with pid 'self'): from sock_diag for Vigil's own namespace (the kernel
 * walks only its listeners), else from that namespace's TCP tables (a
 * server in a container).
 */
export declare function readListening(procRoot: string, pid: number | 'self'): ListenSocket[];
/** Network namespace id of the process ('net:[4026531840]'); null when not readable. */
export declare function netNamespace(procRoot: string, pid: number | 'self'): string | null;
/** Parse /proc/<pid>/environ (NUL-separated KEY=VALUE); null when not readable. */
export declare function readEnviron(procRoot: string, pid: number): Record<string, string> | null;
