// Which charts to draw for the series a history holds: pure, so the mapping
// from series names (state.ts SERIES) to charts is testable without a DOM.
import { SERIES } from '../../electron/common/state.js';
import { formatClock } from './format.js';

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
const BACKEND_GPU = /^backend\.(.+?)\.gpu\.(.+)\.(vram|gtt)$/;

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
  const backendGpu = [...all]
    .map((n) => BACKEND_GPU.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[0], label: `${m[1]} ${m[2]} ${m[3] === 'vram' ? 'VRAM' : 'GTT'}` }))
    .sort((a, b) => a.label.localeCompare(b.label));
  if (backendGpu.length) specs.push({ key: 'backend-gpu', title: 'Backend GPU memory, per device (GTT: host RAM outside RSS)', unit: 'bytes', stacked: false, series: backendGpu });
  return specs;
}

/** Changes when the set of charts or their series changes (then charts are rebuilt). */
export function specsSignature(specs: ChartSpec[]): string {
  return specs.map((s) => `${s.key}:${s.series.map((x) => x.name).join(',')}`).join('|');
}

/**
 * Steps of the time axis, seconds. Samples are a second apart at best, so no
 * step is shorter: a few seconds of history must not be labelled in
 * milliseconds (':47.200').
 */
export const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Time-axis labels (seconds since epoch) in the dashboard's 24-hour clock: seconds only when the step needs them, the date from a day up. */
export function timeTicks(splits: readonly number[], step: number): string[] {
  return splits.map((t) => {
    const ms = t * 1000;
    if (step >= 86400) {
      const d = new Date(ms);
      return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
    }
    return step >= 60 ? formatClock(ms).slice(0, 5) : formatClock(ms);
  });
}

/** Steps of a bytes axis: powers of two of each binary unit (16 MiB, 32 MiB, 64 MiB…), so ticks read as round sizes, not 47.7 MiB. */
export const BYTE_STEPS: number[] = [0, 1, 2, 3, 4].flatMap((u) => [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((m) => m * 1024 ** u));
