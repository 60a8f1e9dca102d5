import { describe, expect, it } from 'vitest';
import { BYTE_STEPS, chartSpecs, specsSignature, TIME_STEPS, timeTicks } from './chart-specs.js';

describe('chartSpecs', () => {
  it('maps history series to system, PSI, stacked backend and GPU charts', () => {
    const specs = chartSpecs(['mem.used', 'mem.available', 'psi.full.avg10', 'backend.zeta.rss', 'backend.alpha.rss', 'gpu.card0.vram', 'gpu.card0.gtt', 'other.x']);
    expect(specs.map((s) => s.key)).toEqual(['system', 'psi', 'backends', 'gpu']);
    expect(specs[0]!.series.map((s) => s.label)).toEqual(['RAM used', 'RAM available']);
    expect(specs[2]).toMatchObject({ stacked: true, series: [{ name: 'backend.alpha.rss', label: 'alpha' }, { name: 'backend.zeta.rss', label: 'zeta' }] });
    expect(specs[3]!.series.map((s) => s.label)).toEqual(['card0 GTT', 'card0 VRAM']);
  });
  it('a series per backend and GPU device, VRAM and GTT, apart from the backends\' RSS', () => {
    const specs = chartSpecs(['backend.llm.rss', 'backend.llm.gpu.card1.gtt', 'backend.llm.gpu.card1.vram', 'backend.llm.gpu.0000:03:00.0.vram', 'backend.b.gpu.nvidia0.vram']);
    expect(specs.map((s) => s.key)).toEqual(['backends', 'backend-gpu']);
    expect(specs[0]!.series.map((s) => s.name)).toEqual(['backend.llm.rss']);
    expect(specs[1]!.series.map((s) => s.label)).toEqual(['b nvidia0 VRAM', 'llm 0000:03:00.0 VRAM', 'llm card1 GTT', 'llm card1 VRAM']);
  });
  it('omits charts without data, and the signature tracks series sets', () => {
    expect(chartSpecs([])).toEqual([]);
    const a = specsSignature(chartSpecs(['mem.used', 'backend.a.rss']));
    expect(a).toBe(specsSignature(chartSpecs(['backend.a.rss', 'mem.used'])));
    expect(a).not.toBe(specsSignature(chartSpecs(['mem.used', 'backend.a.rss', 'backend.b.rss'])));
  });
});

describe('time axis', () => {
  it('steps in whole seconds at least, and labels in the 24-hour clock the cards use', () => {
    expect(Math.min(...TIME_STEPS)).toBe(1);
    const t = new Date(2026, 11, 1, 23, 55, 47).getTime() / 1000;
    expect(timeTicks([t, t + 1], 1)).toEqual(['23:55:47', '23:55:48']);
    expect(timeTicks([t], 300)).toEqual(['23:55']);
    expect(timeTicks([t], 86400)).toEqual(['2026-12-01']);
  });
});

describe('bytes axis', () => {
  it('steps in round binary sizes', () => {
    expect(BYTE_STEPS).toContain(64 * 1024 ** 2);
    expect(BYTE_STEPS).toContain(2 * 1024 ** 3);
    expect(BYTE_STEPS.every((v, i) => i === 0 || v > BYTE_STEPS[i - 1]!)).toBe(true);
  });
});
