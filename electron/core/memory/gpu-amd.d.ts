import type { GpuMemory } from '../../common/state.js';
/** Every amdgpu card under sysRoot with VRAM figures (a one-off read; the sampler uses AmdGpuReader). */
export declare function readAmdGpus(sysRoot?: string): GpuMemory[];
/**
 * Reads amdgpu usage every tick, but looks for cards (a directory listing
 * and vendor/name/total reads per card, or a thrown ENOENT on a machine
 * without DRM) only every `rediscoverEvery` reads: cards rarely come and go,
 * and at 1 Hz that search would be a noticeable share of an idle Vigil's tick.
 */
export declare class AmdGpuReader {
    private readonly sysRoot;
    private readonly rediscoverEvery;
    private cards;
    private reads;
    constructor(sysRoot?: string, rediscoverEvery?: number);
    read(): GpuMemory[];
}
