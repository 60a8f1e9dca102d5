// Which charts to draw for the series a history holds: pure, so the mapping
// from series names (state.ts SERIES) to charts is testable without a DOM.
import { SERIES } from '../../electron/common/state.js';

export type Unit = 'bytes' | 'percent';

export interface ChartSpec {
  key: string;
  title: string;
  unit: Unit;
  /** Draw cumulative sums (area stack), top line = total. */
  stacked: boolean;
  series: { name: string; label: string }[];
}

const BACKEND_RSS = /^backend\.(.+)\.rss$/;
const GPU = /^gpu\.(.+)\.(vram|gtt)$/;

export function chartSpecs(names: Iterable<string>): ChartSpec[] {
  const all = new Set(names);
  const specs: ChartSpec[] = [];
  const sys = [
    { name: SERIES.memUsed, label: 'RAM used' },
    { name: SERIES.memAvailable, label: 'RAM available' },
    { name: SERIES.swapUsed, label: 'swap used' },
  ].filter((s) => all.has(s.name));
  if (sys.length) specs.push({ key: 'system', title: 'System memory', unit: 'bytes', stacked: false, series: sys });
  const psi = [
    { name: SERIES.psiSomeAvg10, label: 'some avg10' },
    { name: SERIES.psiFullAvg10, label: 'full avg10' },
  ].filter((s) => all.has(s.name));
  if (psi.length) specs.push({ key: 'psi', title: 'Memory pressure (PSI, % of time stalled)', unit: 'percent', stacked: false, series: psi });
  const backends = [...all]
    .map((n) => BACKEND_RSS.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[0], label: m[1]! }))
    .sort((a, b) => a.label.localeCompare(b.label));
  if (backends.length) specs.push({ key: 'backends', title: 'Backend RSS (stacked: top = total of all process trees)', unit: 'bytes', stacked: true, series: backends });
  const gpus = [...all]
    .map((n) => GPU.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[0], label: `${m[1]} ${m[2] === 'vram' ? 'VRAM' : 'GTT'}` }))
    .sort((a, b) => a.label.localeCompare(b.label));
  if (gpus.length) specs.push({ key: 'gpu', title: 'GPU memory', unit: 'bytes', stacked: false, series: gpus });
  return specs;
}

/** Changes when the set of charts or their series changes (then charts are rebuilt). */
export function specsSignature(specs: ChartSpec[]): string {
  return specs.map((s) => `${s.key}:${s.series.map((x) => x.name).join(',')}`).join('|');
}
