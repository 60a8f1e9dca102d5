import type { OomKill } from '../../common/state.js';
export interface Consumer {
    backend: string;
    rssBytes: number;
}
export interface AttributionInputs {
    /** The backend whose process `pid` was at `time` (ms since epoch; null: now), or null. */
    ownerOf(pid: number, time: number | null): string | null;
    /** Each backend's resident memory at `time`; null when no sample was taken close enough to it to say. */
    consumersAt(time: number | null): readonly Consumer[] | null;
    /**
     * Memory (NUMA) nodes of this machine. On one node a cpuset or mempolicy
     * constraint spans every process's memory, so such a kill is system-wide;
     * on several, whether a backend shared the constrained nodes is unknown.
     */
    memoryNodes: number;
}
export interface Attribution {
    backend: string | null;
    largestConsumer: Consumer | null;
}
/** A kill the whole machine's memory shortage caused, as opposed to one memory cgroup's limit. */
export declare function isSystemWide(kill: OomKill, memoryNodes: number): boolean;
export declare function attributeKill(kill: OomKill, inputs: AttributionInputs): Attribution;
