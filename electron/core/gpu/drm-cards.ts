// PCI address → card name ('0000:c5:00.0' → 'card1'), the id the devices
// of amdgpu's sysfs carry, looked up again every REDISCOVER_EVERY reads; and
// the fdinfo clients of some drivers as use per process and card.
import { cardsByPdev, type DrmClientScan, vramGtt } from './drm-fdinfo.js';
import type { GpuProcessUse } from './source.js';

const REDISCOVER_EVERY = 60;

export class DrmCards {
  private map = new Map<string, { card: string; vendor: string | null }>();
  private reads = 0;

  constructor(private readonly sysRoot: string) {}

  /** The card at this PCI address; the address itself when sysfs does not list it. */
  cardOf(pdev: string): string {
    if (this.reads++ % REDISCOVER_EVERY === 0) this.map = cardsByPdev(this.sysRoot);
    return this.map.get(pdev)?.card ?? (pdev || 'unknown');
  }
}

/** The clients of the drivers `mine` accepts, as use per process and device. */
export function fromClients(drm: DrmClientScan, cards: DrmCards, pids: readonly number[], mine: (driver: string) => boolean): GpuProcessUse[] {
  const out: GpuProcessUse[] = [];
  for (const c of drm.clients(pids)) {
    if (!mine(c.driver)) continue;
    const { vram, gtt } = vramGtt(c);
    if (vram === 0 && gtt === 0) continue;
    out.push({ pid: c.pid, device: cards.cardOf(c.pdev), vram, gtt });
  }
  return out;
}
