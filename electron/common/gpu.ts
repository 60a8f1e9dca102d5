// GPU memory a process tree holds, per device: apart from state.ts so the
// watch types can name it too.

/**
 * Bytes on one device. `gtt` is host RAM the GPU maps (amdgpu GTT, i915/xe
 * system memory): not in RSS, not charged to a memory cgroup, yet taken from
 * the host's memory.
 */
export interface GpuUse {
  device: string;
  vram: number;
  gtt: number;
}

/** The GTT of a tree's use, summed over devices: host memory outside RSS. */
export const gttOf = (gpu: readonly GpuUse[] | undefined): number => (gpu ?? []).reduce((n, g) => n + g.gtt, 0);

