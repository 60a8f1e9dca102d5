// Watch mode with managers, as the watch feed runs it, for tests against
// real managers: the Watcher, the managers' APIs read by ManagerWatch (kicked
// by the watcher's births and deaths), and optionally the kernel log's OOM
// kills attributed to watched servers. `live()` is one tick and the list the
// dashboard would get; a background ticker catches servers that live briefly.
import type { OomKill } from '../../electron/common/state.js';
import type { WatchEvent, WatchedServer } from '../../electron/common/watch.js';
import type { WatchConfigInput } from '../../electron/common/watch-schema.js';
import { KernelLogWatcher } from '../../electron/core/oom/kernel-log-watcher.js';
import { ManagerWatch, Watcher } from '../../electron/core/watch/index.js';
import { tempDir } from '../helpers.js';

export interface ManagedWatch {
  w: Watcher;
  managers: ManagerWatch;
  events: WatchEvent[];
  kills: OomKill[];
  /** One tick; the decorated list (managers' views, servers' names). */
  live(): WatchedServer[];
  /** The decorated entry of a pid (live or gone), after a tick. */
  byPid(pid: number): WatchedServer | undefined;
  close(): void;
}

export async function watchManaged(opts: { config?: WatchConfigInput; kmsg?: boolean; tickMs?: number } = {}): Promise<ManagedWatch> {
  const events: WatchEvent[] = [];
  const kills: OomKill[] = [];
  const managers = new ManagerWatch({ pollMs: 1000 });
  const w = new Watcher({
    config: opts.config ?? { health: { interval: '200ms' } },
    onEvent: (e) => {
      events.push(e);
      managers.onEvent(e);
    },
  });
  const state = tempDir('vigil-managed-');
  let klog: KernelLogWatcher | null = null;
  if (opts.kmsg) {
    klog = new KernelLogWatcher({ stateDir: state.dir, sources: ['kmsg'], journalctl: null, onKill: (k) => { kills.push(k); w.attributeKill(k); }, onStatus: () => {} });
    await klog.start();
  }
  const live = (): WatchedServer[] => {
    w.tick();
    const l = w.list();
    managers.update(l);
    return managers.decorate(l);
  };
  live();
  const timer = setInterval(() => w.tick(), opts.tickMs ?? 50);
  timer.unref();
  return {
    w,
    managers,
    events,
    kills,
    live,
    byPid: (pid) => live().filter((v) => v.pid === pid).sort((a, b) => b.startTime - a.startTime)[0],
    close() {
      clearInterval(timer);
      klog?.stop();
      managers.close();
      w.close();
      state.cleanup();
    },
  };
}
