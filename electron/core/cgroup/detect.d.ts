export declare const DEFAULT_CGROUP_ROOT = "/sys/fs/cgroup";
export interface CgroupEnv {
    /** Where /proc/self/{mountinfo,cgroup} are read; default '/proc'. */
    procRoot?: string;
    /** Mount points under /sys/fs/cgroup are rebased onto this (fixtures); default '/sys/fs/cgroup'. */
    cgroupRoot?: string;
    /** Our own cgroup was delegated to us (systemd `Delegate=yes`); default: $VIGIL_CGROUP_DELEGATED === '1'. */
    delegated?: boolean;
}
export type MemoryHierarchy = {
    version: 1; /** The v1 memory controller mount. */
    mount: string; /** Where backend cgroups go: <mount>/vigil. */
    base: string;
} | {
    version: 2;
    mount: string;
    /** The cgroup this process is in. */
    self: string;
    /** The delegated subtree where `vigil-<id>` cgroups go (parent of `self`, or the root). */
    base: string;
};
export type Detection = {
    ok: true;
    hierarchy: MemoryHierarchy;
} | {
    ok: false;
    reason: string;
};
export interface MountEntry {
    mountPoint: string;
    fsType: string;
    superOptions: string[];
}
/** Parse /proc/self/mountinfo (fields before " - " are variable in number). Unparsable lines are skipped. */
export declare function parseMountinfo(text: string): MountEntry[];
/** Find the memory controller and a place this process may create cgroups in, or say what is missing and how to enable it. */
export declare function detectMemoryHierarchy(env?: CgroupEnv): Detection;
