import { describe, expect, it } from 'vitest';
import { chartSpecs, specsSignature } from './chart-specs.js';

describe('chartSpecs', () => {
  it('maps history series to system, PSI, stacked backend and GPU charts', () => {
    const specs = chartSpecs(['mem.used', 'mem.available', 'psi.full.avg10', 'backend.zeta.rss', 'backend.alpha.rss', 'gpu.card0.vram', 'gpu.card0.gtt', 'other.x']);
    expect(specs.map((s) => s.key)).toEqual(['system', 'psi', 'backends', 'gpu']);
    expect(specs[0]!.series.map((s) => s.label)).toEqual(['RAM used', 'RAM available']);
    expect(specs[2]).toMatchObject({ stacked: true, series: [{ name: 'backend.alpha.rss', label: 'alpha' }, { name: 'backend.zeta.rss', label: 'zeta' }] });
    expect(specs[3]!.series.map((s) => s.label)).toEqual(['card0 GTT', 'card0 VRAM']);
  });
  it('omits charts without data, and the signature tracks series sets', () => {
    expect(chartSpecs([])).toEqual([]);
    const a = specsSignature(chartSpecs(['mem.used', 'backend.a.rss']));
    expect(a).toBe(specsSignature(chartSpecs(['backend.a.rss', 'mem.used'])));
    expect(a).not.toBe(specsSignature(chartSpecs(['mem.used', 'backend.a.rss', 'backend.b.rss'])));
  });
});
