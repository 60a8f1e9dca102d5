import type { CapabilityCheck } from './capabilities.js';
/** Root and a working `mount -t tmpfs` (tried once on a scratch directory). */
export declare const mountCapability: CapabilityCheck;
export interface SmallMount {
    readonly dir: string;
    /** Writes a filler file until the file system says ENOSPC; returns the bytes it took. */
    fill(): number;
    /** Removes the filler: the space is free again. */
    free(): void;
    /** Stacks a read-only bind mount on the directory. */
    readOnly(): void;
    /** Removes the read-only bind mount. */
    readWrite(): void;
    /** Unmounts (lazily, so open descriptors do not block it) and removes the mount point. */
    dispose(): void;
}
export declare function smallMount(sizeKiB: number, prefix?: string): SmallMount;
