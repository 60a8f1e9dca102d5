export type OomKiller = 'kernel' | 'earlyoom' | 'systemd-oomd';
export type KernelLogSourceKind = 'kmsg' | 'journal' | 'cgroup' | 'none';
export interface OomKill {
    /** Stable id: `${bootId}:${seq}` for kmsg, else a hash of the source line. */
    id: string;
    /** ms since epoch (best known), null when the log gave none. */
    time: number | null;
    /** Time exactly as the log gave it (e.g. '[  514.682838]', 'May 15 23:09:27'). */
    timeText: string | null;
    pid: number;
    comm: string;
    scope: 'global' | 'memcg';
    constraint: string | null;
    memcg: string | null;
    totalVmKb: number | null;
    anonRssKb: number | null;
    fileRssKb: number | null;
    shmemRssKb: number | null;
    /** Total RSS when the killer reports only that (earlyoom's VmRSS), kB. */
    rssKb?: number | null;
    uid: number | null;
    oomScoreAdj: number | null;
    killer: OomKiller;
    /** The task that invoked the OOM killer, when the log says. */
    trigger: {
        comm: string;
        pid: number | null;
        gfpMask: string | null;
        order: number | null;
    } | null;
    /** Backend the victim was a process of (its leader or a process of its tree) at the time of the kill. */
    backend: string | null;
    /**
     * For a system-wide kill of another process: the backend with the most
     * resident memory at the last sample before the kill. Not a cause: the
     * kernel picks its victim by its own score. Null for a kill inside another
     * memory cgroup (that cgroup's own limit caused it) and when no sample was
     * close enough to the kill to say.
     */
    largestConsumer: {
        backend: string;
        rssBytes: number;
    } | null;
    source: KernelLogSourceKind;
    /** For a backend's llama-server: why it did not fit and what would (the fit prediction's advice). */
    advice?: string | null;
}
