// The feeds that watch the machine around the backends: the memory sampler
// (state, history, alerts), and the kernel log's OOM kills with what
// attribution needs — the pid history and each backend's memory at the time.
// Every input is a function or object passed in; nothing is shared mutable.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { HistoryRequest } from '../../common/api.js';
import type { VigilConfig } from '../../common/config-schema.js';
import type { History, MemoryAlert, MemoryBreakdown, OomKill, SystemMemory, VigilEvent } from '../../common/state.js';
import type { Logger } from '../diagnostics.js';
import type { PidHistory } from '../oom/pid-history.js';
import type { KernelLogSourceChoice } from '../oom/kernel-log-watcher.js';
import type { VigilStore } from '../store.js';
import { gttOf } from '../../common/gpu.js';
import { createGpuSources, type GpuSources } from '../gpu/index.js';
import type { EventDraft } from '../events.js';
import { AlertFeed } from './memory/alert-feed.js';
import { startMemoryFeed } from './memory/memory-feed.js';
import { startOomFeed } from './oom/oom-feed.js';
import { RecentConsumers } from './memory/recent-consumers.js';
import { startWatchFeed, type WatchFeed } from './watch/watch-feed.js';
import type { CommandResult } from '../../common/api.js';
import type { OwnedProcesses } from '../watch/index.js';

/** What the feeds see of one supervised backend. */
export interface WatchedBackend {
  readonly id: string;
  /** The leader, while one runs. */
  readonly pid: number | null;
  /** The figure shown now. */
  readonly memory: MemoryBreakdown | null;
  readonly memoryLimit: number | null;
  /** Bytes charged to its memory-limit cgroup; null without one. */
  cgroupUsage(): number | null;
  setMemory(memory: MemoryBreakdown | null): void;
  markOomKilled(kill: OomKill): boolean;
}

export interface FeedOptions {
  procRoot?: string;
  sysRoot?: string;
  nvidiaSmi?: string | null;
  /** NVML's path; undefined = VIGIL_NVML_LIBRARY or the driver's soname; null = never load it. */
  nvmlLibrary?: string | null;
  kmsgPath?: string | null;
  journalctl?: string | null;
  kernelLogSources?: KernelLogSourceChoice[];
}

export interface FeedDeps {
  options: FeedOptions;
  stateDir: string;
  store: VigilStore;
  emit(d: EventDraft): VigilEvent;
  backends(): WatchedBackend[];
  backend(id: string): WatchedBackend | undefined;
  /** The config in force (its sampling interval, alert thresholds and kernel-log sources). */
  config(): VigilConfig | null;
  pidHistory: Pick<PidHistory, 'observeTrees' | 'ownerOf'>;
  logger: Logger;
  /** Vigil's own processes, which the watch feed never lists. */
  owned(): OwnedProcesses;
  /** Append a backend to the config file and apply it (the watch feed's adopt). */
  addBackend(id: string, config: Record<string, unknown>): Promise<CommandResult>;
}

export interface Feeds {
  /** Servers Vigil did not start, and the actions on them. */
  watch: WatchFeed;
  /** The GPU sources, one per vendor (what each reads, or why it reads nothing). */
  gpu: GpuSources;
  history(req: HistoryRequest): History;
  stop(): void;
}

/** Memory (NUMA) nodes online; 1 where sysfs does not say (no NUMA support means one node). */
export function memoryNodeCount(sysRoot = '/sys'): number {
  let text: string;
  try {
    text = readFileSync(path.join(sysRoot, 'devices/system/node/online'), 'utf8').trim();
  } catch {
    return 1;
  }
  let n = 0;
  for (const part of text.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (a === undefined || !Number.isInteger(a)) continue;
    n += b !== undefined && Number.isInteger(b) && b >= a ? b - a + 1 : 1;
  }
  return Math.max(1, n);
}

export async function startFeeds(deps: FeedDeps): Promise<Feeds> {
  const { options: o, store } = deps;
  const intervalMs = deps.config()?.sampling.intervalMs ?? 1000;
  const consumers = new RecentConsumers(intervalMs);
  const alerts = new AlertFeed({
    thresholds: () => deps.config()?.alerts,
    emit: deps.emit,
    // The pressure guard's alert ('guard') is its own; the memory alerts replace only theirs.
    publish: (active: MemoryAlert[]) => store.setAlerts(active, 'memory'),
  });
  let watched: WatchedBackend[] = [];
  // The GPU sources, composed once for the machine: the sampler reads them; the fit verdict reads what it published.
  const gpuReported = new Set<string>();
  let lastSystem: SystemMemory | null = null;
  const gpu = createGpuSources({
    ...(o.procRoot ? { procRoot: o.procRoot } : {}),
    ...(o.sysRoot ? { sysRoot: o.sysRoot } : {}),
    ...(o.nvmlLibrary !== undefined ? { nvmlLibrary: o.nvmlLibrary } : {}),
    nvidiaSmi: o.nvidiaSmi,
    // Host figures for a unified-memory GPU: the sampler's previous reading (a second old at most).
    hostMemory: () => (lastSystem ? { total: lastSystem.memTotal, available: lastSystem.memAvailable } : null),
    onError: (e) => {
      // Each distinct problem once (pids blanked): an unreadable fdinfo of another user's process is not news every second.
      const key = (e instanceof Error ? e.message : String(e)).replace(/\/\d+\//g, '/<pid>/');
      if (gpuReported.has(key) || gpuReported.size > 100) return;
      gpuReported.add(key);
      deps.logger.warn(`gpu: ${key}`);
    },
  });
  let watching: WatchFeed | null = null;
  const memory = startMemoryFeed({
    sampler: { intervalMs, ...(o.procRoot ? { procRoot: o.procRoot } : {}), ...(o.sysRoot ? { sysRoot: o.sysRoot } : {}), gpu, getGpuPids: () => watching?.gpuPids() ?? [] },
    backends: () => {
      watched = deps.backends();
      return watched.map((b) => ({ id: b.id, pid: b.pid, memory: b.memory, setMemory: (m) => b.setMemory(m) }));
    },
    store,
    onSample: (sample, time) => {
      if (sample.system) lastSystem = sample.system;
      watching?.applyGpu(sample.gpuProcesses);
      deps.pidHistory.observeTrees(new Map(Object.entries(sample.backends).map(([id, m]) => [id, m.pids])), time);
      consumers.record(time, Object.entries(sample.backends).map(([backend, m]) => ({ backend, rssBytes: m.rss })));
      // A limit is enforced on the cgroup's charge, so that is what an alert judges; RSS only without a cgroup.
      alerts.update(
        sample,
        watched.map((b) => {
          const gtt = gttOf(sample.backends[b.id]?.gpu);
          return { id: b.id, memoryLimit: b.memoryLimit, rss: sample.backends[b.id]?.rss ?? 0, cgroupUsage: b.memoryLimit !== null ? b.cgroupUsage() : null, ...(gtt ? { gtt } : {}) };
        }),
      );
    },
    logger: deps.logger,
  });
  const memoryNodes = memoryNodeCount(o.sysRoot);
  const watch = startWatchFeed({
    config: () => deps.config()?.watch,
    owned: deps.owned,
    publish: (list) => store.setWatched(list),
    emit: deps.emit,
    backendIds: () => Object.keys(deps.config()?.backends ?? {}),
    addBackend: deps.addBackend,
    ...(o.procRoot ? { procRoot: o.procRoot } : {}),
    logger: deps.logger,
  });
  watching = watch;
  const stopOom = await startOomFeed({
    stateDir: deps.stateDir,
    ...(o.kmsgPath !== undefined ? { kmsgPath: o.kmsgPath } : {}),
    ...(o.journalctl !== undefined ? { journalctl: o.journalctl } : {}),
    sources: o.kernelLogSources ?? deps.config()?.kernelLog.sources ?? ['kmsg', 'journal'],
    attribution: { ownerOf: (pid, time) => deps.pidHistory.ownerOf(pid, time), consumersAt: (time) => consumers.at(time), memoryNodes },
    publish: { kill: (k) => store.pushOom(k), status: (s) => store.setKernelLog(s) },
    markOomKilled: (id, kill) => deps.backend(id)?.markOomKilled(kill) ?? false,
    watched: (kill) => watch.attributeKill(kill),
    emit: deps.emit,
    logger: deps.logger,
  });
  return {
    watch,
    history: (req) => memory.history(req),
    gpu,
    stop: () => {
      memory.stop();
      gpu.close();
      stopOom();
      watch.close();
    },
  };
}
