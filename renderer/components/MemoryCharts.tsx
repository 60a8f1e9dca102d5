// System RAM, PSI, per-backend RSS (stacked) and GPU memory over time.
// The charts live outside React: a poll appends to a columnar buffer and
// calls uPlot.setData, so thousands of samples never cause a React render.
import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatBytes } from '../../electron/common/format.js';
import { worstOf, type GpuMemory, type SystemMemory } from '../../electron/common/state.js';
import { BYTE_STEPS, chartSpecs, specsSignature, TIME_STEPS, timeTicks, type ChartSpec } from '../lib/chart-specs.js';
import { formatDateTime } from '../lib/format.js';
import { appendHistory, createHistoryBuffer, decimate, groupLargest, lastTime, ownRuns, stack, sumColumns, type HistoryBuffer, type Reduce } from '../lib/history-buffer.js';
import { useApi, useUi } from '../store/store.js';

type Range = 'hour' | 'day';
const WINDOW: Record<Range, number> = { hour: 3600, day: 86400 };
const POLL_MS = 1500;
/** Bands drawn in the stacked RSS chart; beyond that the smallest fold into "others". */
const MAX_BANDS = 10;
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

interface Chart {
  spec: ChartSpec;
  plot: uPlot;
  /** History series summed into each drawn series (one each, except "others"). */
  groups: { label: string; members: string[] }[];
  /** The decimated, unstacked values drawn last (the legend shows these). */
  raw: (number | null)[][];
}

/**
 * A stacked series' paths: uPlot's own fill and band clips over the stacked
 * sums, with the line stroked only where the series has a value of its own
 * (see ownRuns), and its points only there too.
 */
function ownLine(own: () => readonly (number | null)[]): Pick<uPlot.Series, 'paths' | 'points'> {
  const linear = uPlot.paths.linear!();
  return {
    paths: (u, si, i0, i1) => {
      const p = linear(u, si, i0, i1);
      if (!p) return p;
      const xs = u.data[0];
      const ys = u.data[si]!;
      const stroke = new Path2D();
      for (const [from, to] of ownRuns(own(), i0, i1)) {
        for (let i = from; i <= to; i++) {
          const x = u.valToPos(xs[i]!, 'x', true);
          const y = u.valToPos(ys[i] ?? 0, 'y', true);
          if (i === from) stroke.moveTo(x, y);
          else stroke.lineTo(x, y);
        }
      }
      return { ...p, stroke };
    },
    points: { filter: (_u, _si, show) => (show ? own().flatMap((v, i) => (v === null || v === undefined ? [] : [i])) : null) },
  };
}

/** About one point per two pixels: more cannot be seen, only paid for (software canvas here). */
const chartWidth = (host: HTMLElement): number => Math.max(300, host.clientWidth - 16);

function chartData(buf: HistoryBuffer, chart: Pick<Chart, 'spec' | 'raw' | 'groups'>, width: number): uPlot.AlignedData {
  const cols = chart.groups.map((g) => sumColumns(g.members.map((m) => buf.series.get(m) ?? []), buf.t.length));
  const reduce = chart.groups.map((g): Reduce => worstOf(g.members[0]!));
  const d = decimate(buf.t, cols, Math.max(100, Math.floor(width / 2)), reduce);
  chart.raw = d.cols;
  const ys = chart.spec.stacked ? stack(d.cols, d.t.length) : d.cols;
  return [d.t, ...ys] as uPlot.AlignedData;
}

function makeChart(host: HTMLElement, spec: ChartSpec, buf: HistoryBuffer): Chart {
  const labelOf = new Map(spec.series.map((s) => [s.name, s.label]));
  const groups = spec.stacked
    ? groupLargest(buf, spec.series.map((s) => s.name), MAX_BANDS).map((g) => ({ label: g.label ?? labelOf.get(g.members[0]!)!, members: g.members }))
    : spec.series.map((s) => ({ label: s.label, members: [s.name] }));
  const chart = { spec, raw: [], groups } as unknown as Chart;
  const fmt = spec.unit === 'bytes' ? (v: number | null) => formatBytes(v) : (v: number | null) => (v === null ? '—' : `${v.toFixed(1)} %`);
  const fg = cssVar('--fg-muted', '#888');
  const grid = cssVar('--grid', 'rgba(128,128,128,0.2)');
  const el = document.createElement('figure');
  el.className = 'chart';
  el.dataset.testid = `chart-${spec.key}`;
  const cap = document.createElement('figcaption');
  cap.textContent = spec.title;
  el.append(cap);
  host.append(el);
  const opts: uPlot.Options = {
    width: chartWidth(host),
    height: 200,
    series: [
      { value: (_u: uPlot, t: number | null) => (t === null ? '—' : formatDateTime(t * 1000)) },
      ...groups.map((g, i) => ({
        label: g.label,
        stroke: PALETTE[i % PALETTE.length],
        fill: spec.stacked ? `${PALETTE[i % PALETTE.length]}55` : undefined,
        width: 1.5,
        spanGaps: false,
        ...(spec.stacked ? ownLine(() => chart.raw[i] ?? []) : {}),
        // Stacked charts draw sums; the legend shows the series' own value.
        value: (_u: uPlot, v: number | null, _si: number, idx: number | null) =>
          spec.stacked && idx !== null ? fmt(chart.raw[i]?.[idx] ?? null) : fmt(v),
      })),
    ],
    axes: [
      { stroke: fg, grid: { stroke: grid }, incrs: TIME_STEPS, values: (_u, splits, _ax, _space, step) => timeTicks(splits, step) },
      { stroke: fg, grid: { stroke: grid }, size: 70, values: (_u, vals) => vals.map((v) => fmt(v)), ...(spec.unit === 'bytes' ? { incrs: BYTE_STEPS } : {}) },
    ],
    scales: { y: { range: (_u, _min, max) => [0, Math.max(max, spec.unit === 'percent' ? 1 : 1024 * 1024)] } },
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
  };
  // Stacked bands fill between consecutive sums, not down to zero.
  if (spec.stacked) opts.bands = groups.slice(1).map((_, i) => ({ series: [i + 2, i + 1] as [number, number] }));
  const data = chartData(buf, chart, opts.width);
  chart.plot = new uPlot(opts, data, el);
  return chart;
}

function Charts({ range }: { range: Range }) {
  const api = useApi();
  const host = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const [empty, setEmpty] = useState(false);
  useEffect(() => {
    const el = host.current!;
    const buf = createHistoryBuffer(WINDOW[range]);
    let charts: Chart[] = [];
    let signature = '';
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | null = null;

    const render = (): void => {
      // A named measure per redraw, so benchmarks and DevTools can see its cost.
      const t0 = performance.now();
      const specs = chartSpecs(buf.series.keys());
      const sig = specsSignature(specs);
      if (sig !== signature) {
        // A backend came or went: rebuild (rare) instead of mutating series.
        for (const c of charts) c.plot.destroy();
        el.replaceChildren();
        charts = specs.map((s) => makeChart(el, s, buf));
        signature = sig;
        setEmpty(specs.length === 0);
      } else {
        for (const c of charts) c.plot.setData(chartData(buf, c, c.plot.width));
      }
      performance.measure('vigil:charts-update', { start: t0, end: performance.now() });
    };
    const poll = async (): Promise<void> => {
      try {
        const since = lastTime(buf);
        const h = await api.getHistory(since === undefined ? { range } : { range, since });
        if (stopped) return;
        if (appendHistory(buf, h)) render();
        else if (charts.length === 0) setEmpty(true);
        setError(null);
      } catch (e) {
        if (!stopped) setError((e as Error).message);
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    const ro = new ResizeObserver(() => {
      for (const c of charts) c.plot.setSize({ width: chartWidth(el), height: 200 });
    });
    ro.observe(el);
    return () => {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      ro.disconnect();
      for (const c of charts) c.plot.destroy();
      el.replaceChildren();
    };
  }, [api, range]);
  return (
    <>
      {error && <p className="result bad" role="alert">History unavailable: {error}</p>}
      {empty && !error && <p className="muted">No samples yet.</p>}
      <div ref={host} className="charts" />
    </>
  );
}

function Now({ sys, gpus }: { sys: SystemMemory | null; gpus: GpuMemory[] }) {
  if (!sys) return <p className="muted">System memory not sampled yet.</p>;
  const used = sys.memTotal - sys.memAvailable;
  return (
    <dl className="facts now" data-testid="memory-now">
      <div className="fact"><dt>RAM used</dt><dd>{formatBytes(used)} of {formatBytes(sys.memTotal)}</dd></div>
      <div className="fact"><dt>Available</dt><dd>{formatBytes(sys.memAvailable)}</dd></div>
      <div className="fact"><dt>Swap used</dt><dd>{formatBytes(sys.swapTotal - sys.swapFree)} of {formatBytes(sys.swapTotal)}</dd></div>
      <div className="fact"><dt>PSI some/full avg10</dt><dd>{sys.psi ? `${sys.psi.someAvg10.toFixed(1)} / ${sys.psi.fullAvg10.toFixed(1)} %` : 'no /proc/pressure'}</dd></div>
      {gpus.map((g) => (
        <div className="fact" key={g.id}>
          <dt>{g.name} ({g.id})</dt>
          <dd data-testid={`gpu-now-${g.id}`}>
            {g.unified ? 'unified memory' : 'VRAM'} {formatBytes(g.vramUsed)} / {formatBytes(g.vramTotal)}
            {g.vramFree !== undefined && ` (${formatBytes(g.vramFree)} free)`}
            {g.gttUsed !== null && ` · GTT ${formatBytes(g.gttUsed)} / ${formatBytes(g.gttTotal)}`}
            {g.note && <div className="muted small">{g.note}</div>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

export function MemoryCharts() {
  const memory = useUi((s) => s.state?.memory);
  // uPlot takes its axis colours at creation: rebuild the charts on a theme change.
  const theme = useUi((s) => s.theme);
  const [range, setRange] = useState<Range>('hour');
  return (
    <section aria-labelledby="mem-title">
      <h2 id="mem-title">Memory</h2>
      <Now sys={memory?.system ?? null} gpus={memory?.gpus ?? []} />
      <div className="toolbar" role="group" aria-label="Time range">
        {(['hour', 'day'] as Range[]).map((r) => (
          <button key={r} type="button" aria-pressed={range === r} onClick={() => setRange(r)}>
            Last {r}
          </button>
        ))}
      </div>
      <Charts key={`${range}:${theme}`} range={range} />
    </section>
  );
}
