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
  const ooms = g('vigil_oom_kills_total', 'OOM kills attributed to the backend among the kills Vigil has seen (host memory: kernel or user-space killer; a shed by the pressure guard is not one).', ['backend']);
  const gpuOoms = g('vigil_backend_gpu_oom_total', 'GPU out-of-memory deaths of the backend among those Vigil has seen (its log said a GPU allocation failed).', ['backend']);
  const backendGpu = g('vigil_backend_gpu_memory_bytes', "GPU memory the backend's process tree holds, per device and region (vram; gtt: host memory the GPU maps, not in RSS).", ['backend', 'device', 'region']);
  const sheds = g('vigil_guard_sheds_total', 'Times the pressure guard stopped the backend (or restarted it smaller) to keep the machine alive, among the entries Vigil keeps.', ['backend']);
  const scoreAdj = g('vigil_backend_oom_score_adj', "The backend process's oom_score_adj (its kill priority).", ['backend']);
  const guardAlert = g('vigil_guard_recommending', '1 while the pressure guard recommends stopping a server Vigil did not start (nothing of its own to stop).');
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
    zombie: g('vigil_watched_zombie', '1 while a watched server has exited and its parent has not reaped it past the grace period.', ['server']),
    orphaned: g('vigil_watched_orphaned', '1 while a watched server lives on after the manager that started it ended.', ['server']),
    gpu: g('vigil_watched_gpu_memory_bytes', 'GPU memory a watched server and its children hold, per device and region (vram, gtt).', ['server', 'device', 'region']),
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
      ooms.set({ backend: b.id }, s.ooms.filter((k) => k.backend === b.id && k.kind !== 'gpu' && k.killer !== 'vigil').length);
      gpuOoms.set({ backend: b.id }, s.ooms.filter((k) => k.backend === b.id && k.kind === 'gpu').length);
      for (const d of b.memory?.gpu ?? []) {
        backendGpu.set({ backend: b.id, device: d.device, region: 'vram' }, d.vram);
        backendGpu.set({ backend: b.id, device: d.device, region: 'gtt' }, d.gtt);
      }
      sheds.set({ backend: b.id }, s.ooms.filter((k) => k.backend === b.id && k.killer === 'vigil').length);
      if (b.oomScoreAdj !== null) scoreAdj.set({ backend: b.id }, b.oomScoreAdj);
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
    guardAlert.set(s.alerts.some((a) => a.id === 'guard') ? 1 : 0);
    collectWatched(watched, s.watched);
    for (const gpu of s.memory.gpus) {
      gpuMem.set({ gpu: gpu.id, pool: 'vram' }, gpu.vramUsed);
      if (gpu.gttUsed !== null) gpuMem.set({ gpu: gpu.id, pool: 'gtt' }, gpu.gttUsed);
    }
  };

  return { registry, collect };
}
