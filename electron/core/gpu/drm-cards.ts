// PCI address → card name ('0000:c5:00.0' → 'card1'), the id the devices
// of amdgpu's sysfs carry, looked up again every REDISCOVER_EVERY reads.
import { cardsByPdev } from './drm-fdinfo.js';

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
