// Prometheus exposition of the state, via prom-client with a private
// registry (no default process metrics mixed in from other users of the
// library). Gauges are filled from the state snapshot at scrape time.
// prom-client is loaded on the first scrape: an instance nobody scrapes
// does not keep its ~1.5 MiB of heap and code resident.
import type { Registry } from 'prom-client';
import { BACKEND_STATUSES, type VigilState } from '../common/state.js';
import { STATUS_TRAITS } from '../common/status.js';
import { llamaGauges } from './llama-metrics.js';
import { collectWatched } from './metrics-watched.js';

export interface MetricsExporter {
  render(): Promise<{ contentType: string; body: string }>;
}

export function createMetrics(getState: () => VigilState): MetricsExporter {
  let loaded: Promise<{ registry: Registry; collect: () => void }> | null = null;
  return {
    render: async () => {
      loaded ??= import('prom-client').then(({ Gauge, Registry }) => buildMetrics(getState, Gauge, Registry));
      const { registry, collect } = await loaded;
      collect();
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

function buildMetrics(getState: () => VigilState, Gauge: typeof import('prom-client').Gauge, RegistryClass: typeof import('prom-client').Registry): { registry: Registry; collect: () => void } {
  const registry = new RegistryClass();
  const g = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });

  const up = g('vigil_backend_up', '1 when the backend is ready (health answers 200).', ['backend']);
  const state = g('vigil_backend_state', '1 for the backend\'s current lifecycle state, 0 for the others.', ['backend', 'state']);
  // A gauge, not a counter: the core resets the count when the user starts the backend by hand.
  const restarts = g('vigil_backend_restarts_total', 'Restarts performed by policy since the last manual start.', ['backend']);
  const rss = g('vigil_backend_rss_bytes', 'Resident memory of the backend\'s process tree.', ['backend']);
  const health = g('vigil_backend_health_latency_seconds', 'Latency of the last answered health probe.', ['backend']);
  const ooms = g('vigil_oom_kills_total', 'OOM kills attributed to the backend among the kills Vigil has seen.', ['backend']);
  const memAvail = g('vigil_memory_available_bytes', 'MemAvailable from /proc/meminfo.');
  const memTotal = g('vigil_memory_total_bytes', 'MemTotal from /proc/meminfo.');
  const swapFree = g('vigil_swap_free_bytes', 'SwapFree from /proc/meminfo.');
  const psiFull = g('vigil_psi_memory_full_avg10', 'Memory pressure (full, avg10, percent) from /proc/pressure/memory.');
  const gpuMem = g('vigil_gpu_memory_used_bytes', 'GPU memory in use, per pool (vram, gtt).', ['gpu', 'pool']);
  const fitPredicted = g('vigil_backend_fit_predicted_bytes', "What the backend's llama-server was predicted to take before its last start.", ['backend']);
  const fitMeasured = g('vigil_backend_fit_measured_bytes', 'What its last ready run took at its peak (tree RSS or cgroup peak, whichever is higher).', ['backend']);
  const llama = llamaGauges(registry, Gauge);
  const watched = {
    up: g('vigil_watched_up', 'A server Vigil did not start: 1 while it runs and answers, 0 when unhealthy or a zombie. server: its unit, else label:port.', ['server', 'kind']),
    zombie: g('vigil_watched_zombie', '1 while a watched server has exited and its parent has not reaped it.', ['server']),
  };

  const collect = (): void => {
    registry.resetMetrics();
    const s = getState();
    for (const b of s.backends) {
      up.set({ backend: b.id }, STATUS_TRAITS[b.status].serving ? 1 : 0);
      for (const st of BACKEND_STATUSES) state.set({ backend: b.id, state: st }, st === b.status ? 1 : 0);
      restarts.set({ backend: b.id }, b.restarts);
      if (b.memory) rss.set({ backend: b.id }, b.memory.rss);
      if (b.healthLatencyMs !== null) health.set({ backend: b.id }, b.healthLatencyMs / 1000);
      ooms.set({ backend: b.id }, s.ooms.filter((k) => k.backend === b.id).length);
      if (b.fit?.predicted) fitPredicted.set({ backend: b.id }, b.fit.predicted.total);
      if (b.fit?.measurement) fitMeasured.set({ backend: b.id }, b.fit.measurement.measured);
      llama(b);
    }
    const m = s.memory.system;
    if (m) {
      memAvail.set(m.memAvailable);
      memTotal.set(m.memTotal);
      swapFree.set(m.swapFree);
      if (m.psi) psiFull.set(m.psi.fullAvg10);
    }
    collectWatched(watched, s.watched);
    for (const gpu of s.memory.gpus) {
      gpuMem.set({ gpu: gpu.id, pool: 'vram' }, gpu.vramUsed);
      if (gpu.gttUsed !== null) gpuMem.set({ gpu: gpu.id, pool: 'gtt' }, gpu.gttUsed);
    }
  };

  return { registry, collect };
}
