// amdgpu memory from sysfs: /sys/class/drm/card*/device/mem_info_{vram,gtt}_{used,total}.
// On APUs (e.g. Strix Halo) VRAM is a small BIOS carve-out and models live in GTT.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { GpuMemory } from '../../common/state.js';
import { readSmall } from './read.js';

const AMD_VENDOR = '0x1002';

function readInt(file: string): number | null {
  const text = readSmall(file);
  if (text === null) return null;
  const v = Number(text.trim());
  if (!Number.isFinite(v)) throw new Error(`${file}: expected an integer, got ${JSON.stringify(text.trim())}`);
  return v;
}

/** Every amdgpu card under sysRoot with VRAM figures. Cards of other vendors, and connectors (card0-DP-1), are skipped. */
export function readAmdGpus(sysRoot = '/sys'): GpuMemory[] {
  const drm = path.join(sysRoot, 'class/drm');
  let names: string[];
  try {
    names = readdirSync(drm);
  } catch {
    return []; // no DRM at all (headless VM, container)
  }
  const out: GpuMemory[] = [];
  for (const card of names.filter((n) => /^card\d+$/.test(n)).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)))) {
    const dev = path.join(drm, card, 'device');
    if (readSmall(path.join(dev, 'vendor'))?.trim() !== AMD_VENDOR) continue;
    const vramUsed = readInt(path.join(dev, 'mem_info_vram_used'));
    const vramTotal = readInt(path.join(dev, 'mem_info_vram_total'));
    if (vramUsed === null || vramTotal === null) continue; // amdgpu without mem_info (very old kernel): nothing to show
    const product = readSmall(path.join(dev, 'product_name'))?.trim();
    out.push({
      id: card,
      vendor: 'amd',
      name: product || card,
      vramUsed,
      vramTotal,
      gttUsed: readInt(path.join(dev, 'mem_info_gtt_used')),
      gttTotal: readInt(path.join(dev, 'mem_info_gtt_total')),
    });
  }
  return out;
}
