// The memory sampler's ticks into state: each backend's tree through its
// supervisor, the system and GPU figures, one snapshot per tick. The state
// gets a figure only when it moved by what the dashboard shows (publish.ts);
// the history keeps every sample for the charts.
import type { HistoryRequest } from '../../../common/api.js';
import type { History, MemoryBreakdown } from '../../../common/state.js';
import type { Logger } from '../../diagnostics.js';
import { backendMemoryMoved, MemorySampler, systemMemoryMoved, type MemorySample } from '../../memory/index.js';
import type { GpuSources } from '../../gpu/index.js';
import type { VigilStore } from '../../store.js';

export interface SampledBackend {
  id: string;
  /** The leader whose tree is sampled; null when nothing runs. */
  pid: number | null;
  /** What the state shows now. */
  memory: MemoryBreakdown | null;
  setMemory(memory: MemoryBreakdown | null): void;
}

export interface MemoryFeedDeps {
  sampler: { procRoot?: string; sysRoot?: string; intervalMs: number; nvidiaSmi?: string | null; gpu?: GpuSources; getGpuPids?: () => readonly number[] };
  backends(): SampledBackend[];
  store: Pick<VigilStore, 'batch' | 'get' | 'setSystemMemory'>;
  /** Each sample after it is published (same snapshot): alerts, pid and consumer records. */
  onSample(sample: MemorySample, time: number): void;
  logger: Logger;
}

export interface MemoryFeed {
  history(req: HistoryRequest): History;
  stop(): void;
}

export function startMemoryFeed(deps: MemoryFeedDeps): MemoryFeed {
  const { store } = deps;
  let sampled: SampledBackend[] = [];
  const sampler = new MemorySampler({
    ...deps.sampler,
    getBackends: () => (sampled = deps.backends()),
    // Each distinct problem once (the sampler dedupes): an unreadable /proc file is not a bug.
    onError: (e) => deps.logger.warn(`memory sampler: ${e.message}`),
    onSample: (sample) =>
      store.batch(() => {
        for (const b of sampled) {
          const m = sample.backends[b.id] ?? null;
          if (backendMemoryMoved(b.memory, m)) b.setMemory(m && { rss: m.rss, pss: m.pss, anon: m.anon, file: m.file, shmem: m.shmem, swap: m.swap, processes: m.processes, ...(m.gpu ? { gpu: m.gpu } : {}) });
        }
        if (systemMemoryMoved(store.get().memory, sample)) store.setSystemMemory(sample.system, sample.gpus);
        deps.onSample(sample, Date.now());
      }),
  });
  sampler.start();
  return {
    history: (req) => sampler.history.export(req.range, { ...(req.series ? { series: req.series } : {}), ...(req.since !== undefined ? { since: req.since } : {}) }),
    stop: () => sampler.stop(),
  };
}
