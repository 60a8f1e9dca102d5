// How a tree's GPU use reads on the card and the watched list.
import { formatBytes } from './format.js';
import { gttOf, type GpuUse } from './gpu.js';

/** The GTT note the card and the watched list show: where that memory is, and what counts it. */
export const GTT_NOTE = 'GTT is host RAM the GPU maps for it: not counted in its RSS nor in a memory cgroup, yet taken from MemAvailable (the fit check and the early warning count it)';

/** One line per tree: 'card1 VRAM 5.0 MiB + GTT 40.0 GiB · nvidia0 VRAM 9.0 GiB', and the note when any GTT is held. */
export function describeGpuUse(use: readonly GpuUse[]): { text: string; title: string | null } {
  const text = use.map((g) => `${g.device} VRAM ${formatBytes(g.vram)}${g.gtt ? ` + GTT ${formatBytes(g.gtt)}` : ''}`).join(' · ');
  return { text, title: gttOf(use) > 0 ? GTT_NOTE : null };
}
