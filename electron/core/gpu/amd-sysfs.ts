// amdgpu memory from sysfs: /sys/class/drm/card*/device/mem_info_{vram,gtt}_{used,total}.
// On APUs (e.g. Strix Halo) VRAM is a small BIOS carve-out and models live in GTT.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { GpuMemory } from '../../common/state.js';
import { readSmall } from '../procfs/read.js';

const AMD_VENDOR = '0x1002';

function readInt(file: string): number | null {
  const text = readSmall(file);
  if (text === null) return null;
  const v = Number(text.trim());
  if (!Number.isFinite(v)) throw new Error(`${file}: expected an integer, got ${JSON.stringify(text.trim())}`);
  return v;
}

interface AmdCard {
  id: string;
  name: string;
  dev: string;
  vramTotal: number;
  gttTotal: number | null;
  visVramTotal: number | null;
}

/** The amdgpu cards under sysRoot that report VRAM figures, in card order. Cards of other vendors, and connectors (card0-DP-1), are skipped. */
function discoverAmdCards(sysRoot: string): AmdCard[] {
  const drm = path.join(sysRoot, 'class/drm');
  let names: string[];
  try {
    names = readdirSync(drm);
  } catch {
    return []; // no DRM at all (headless VM, container)
  }
  const out: AmdCard[] = [];
  for (const card of names.filter((n) => /^card\d+$/.test(n)).sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)))) {
    const dev = path.join(drm, card, 'device');
    if (readSmall(path.join(dev, 'vendor'))?.trim() !== AMD_VENDOR) continue;
    const vramTotal = readInt(path.join(dev, 'mem_info_vram_total'));
    if (vramTotal === null) continue; // amdgpu without mem_info (very old kernel): nothing to show
    const product = readSmall(path.join(dev, 'product_name'))?.trim();
    out.push({ id: card, name: product || card, dev, vramTotal, gttTotal: readInt(path.join(dev, 'mem_info_gtt_total')), visVramTotal: readInt(path.join(dev, 'mem_info_vis_vram_total')) });
  }
  return out;
}

function readCard(c: AmdCard): GpuMemory | null {
  const vramUsed = readInt(path.join(c.dev, 'mem_info_vram_used'));
  if (vramUsed === null) return null; // card went away (unbound, hot-unplugged)
  const g: GpuMemory = { id: c.id, vendor: 'amd', name: c.name, vramUsed, vramTotal: c.vramTotal, gttUsed: readInt(path.join(c.dev, 'mem_info_gtt_used')), gttTotal: c.gttTotal };
  // The CPU-visible part of VRAM (the BAR): small without resizable BAR; a kernel without it has no such files.
  if (c.visVramTotal !== null) {
    const visUsed = readInt(path.join(c.dev, 'mem_info_vis_vram_used'));
    if (visUsed !== null) g.visVram = { used: visUsed, total: c.visVramTotal };
  }
  return g;
}

/** Every amdgpu card under sysRoot with VRAM figures (a one-off read; the sampler uses AmdGpuReader). */
export function readAmdGpus(sysRoot = '/sys'): GpuMemory[] {
  return new AmdGpuReader(sysRoot).read();
}

/**
 * Reads amdgpu usage every tick, but looks for cards (a directory listing
 * and vendor/name/total reads per card, or a thrown ENOENT on a machine
 * without DRM) only every `rediscoverEvery` reads: cards rarely come and go,
 * and at 1 Hz that search would be a noticeable share of an idle Vigil's tick.
 */
export class AmdGpuReader {
  private cards: AmdCard[] = [];
  private reads = 0;

  constructor(
    private readonly sysRoot = '/sys',
    private readonly rediscoverEvery = 60,
  ) {}

  read(): GpuMemory[] {
    if (this.reads++ % this.rediscoverEvery === 0) this.cards = discoverAmdCards(this.sysRoot);
    const out: GpuMemory[] = [];
    for (const c of this.cards) {
      const g = readCard(c);
      if (g) out.push(g);
    }
    return out;
  }
}
