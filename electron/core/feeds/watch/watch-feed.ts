// Servers Vigil did not start, watched from outside (electron/core/watch/):
// discovery and watching on the core's shared 1 s tick, with the backends'
// own processes left out (what Vigil owns is never listed twice); the list
// published to the state only when something shown changed; every event in
// the journal; and the honest actions carried out, adoption included (stop
// the server, then run the same command line as a backend). A changed
// `watch:` section of the config makes a new watcher.
import type { GpuProcessUse } from '../../gpu/source.js';
import type { CommandResult } from '../../../common/api.js';
import type { OomKill, VigilEvent } from '../../../common/state.js';
import { BackendSchema } from '../../../common/config-schema.js';
import { watchActions, type WatchEvent, type WatchedServer } from '../../../common/watch.js';
import type { WatchConfig } from '../../../common/watch-schema.js';
import type { Logger } from '../../diagnostics.js';
import { everyShared } from '../../shared-interval.js';
import type { EventDraft } from '../../events.js';
import { ManagerWatch, Watcher, type OwnedProcesses } from '../../watch/index.js';
import { adoptedBackend, adoptedId } from './watch-adopt.js';

export interface WatchFeedDeps {
  /** The `watch:` section in force (undefined: the defaults). */
  config(): WatchConfig | undefined;
  /** Vigil's own processes this tick: its backends' pids and process groups, and Vigil itself as their parent. */
  owned(): OwnedProcesses;
  publish(watched: WatchedServer[]): void;
  emit(d: EventDraft): VigilEvent;
  /** Ids of the configured backends (an adopted server's id must be new). */
  backendIds(): string[];
  /** Append a backend to the config file and apply it (it starts: autostart). */
  addBackend(id: string, config: Record<string, unknown>): Promise<CommandResult>;
  procRoot?: string;
  logger: Logger;
  /** Tick period (default 1000 ms, the shared tick). */
  tickMs?: number;
}

export interface WatchFeed {
  /** An OOM kill from the kernel log: the kill with its attribution when a watched server took it (its event is journalled then), else null. */
  attributeKill(kill: OomKill): OomKill | null;
  /** The live servers' pids and their children's, whose GPU memory the sampler reads. */
  gpuPids(): number[];
  /** The sampler's GPU reading, by process, into the servers' views. */
  applyGpu(processes: readonly GpuProcessUse[]): void;
  stop(id: string): Promise<CommandResult>;
  restartUnit(id: string): Promise<CommandResult>;
  adopt(id: string): Promise<CommandResult>;
  close(): void;
}

/** The journal's line for a watcher event. `requested`: the user asked Vigil to stop it. */
export function watchEventDraft(e: WatchEvent, requested: boolean): EventDraft {
  const s = e.server;
  const details = { watched: e.id, event: e.kind, label: s.label, kind: s.kind, ...(requested ? { requested: true } : {}) };
  if (e.kind === 'oom') return { kind: 'oom', reason: e.reason, pid: e.oom?.pid ?? e.pid, oom: e.oom ?? s.lastOom, details };
  const reason = e.kind === 'exited' && requested ? `${s.comm} ${s.pid} exited after Vigil's stop, as asked` : e.reason;
  return { kind: 'watch', reason, pid: e.pid, details };
}

const unknown = (id: string): CommandResult => ({ ok: false, message: `no watched server '${id}' (it may have been forgotten since)` });

export function startWatchFeed(deps: WatchFeedDeps): WatchFeed {
  const uid = process.getuid?.() ?? -1;
  let watcher: Watcher | null = null;
  let section = '';
  let published = '';
  let publishQueued = false;
  /** Servers the user asked Vigil to stop: their exit is no alarm. */
  const requested = new Set<string>();

  const publish = (): void => {
    publishQueued = false;
    if (!watcher) return;
    const key = `${watcher.version}:${managers.version}`;
    if (key === published) return;
    published = key;
    deps.publish(managers.decorate(watcher.list()));
  };
  const queuePublish = (): void => {
    if (!publishQueued) {
      publishQueued = true;
      queueMicrotask(publish);
    }
  };
  /** Managers' APIs (the router, Ollama, llama-swap, lemond): their claims beside what the watcher sees. */
  const managers = new ManagerWatch({ onChange: queuePublish, logger: deps.logger, ...(deps.procRoot ? { procRoot: deps.procRoot } : {}) });
  const onEvent = (e: WatchEvent): void => {
    deps.emit(watchEventDraft(e, requested.has(e.id)));
    if (e.kind === 'exited' || e.kind === 'reaped') requested.delete(e.id);
    managers.onEvent(e);
    // Events come between ticks (an exit within milliseconds): show them now, once per burst.
    queuePublish();
  };
  /** The watcher for the config in force; a new one when the `watch:` section changed. */
  const current = (): Watcher => {
    const cfg = deps.config();
    const key = JSON.stringify(cfg ?? null);
    if (watcher && key === section) return watcher;
    watcher?.close();
    section = key;
    watcher = new Watcher({ ...(cfg ? { config: cfg } : {}), ...(deps.procRoot ? { procRoot: deps.procRoot } : {}), logger: deps.logger, onEvent });
    // Without the kernel's process events a server that dies in its load may go unseen: say so once.
    if (watcher.config.enabled && watcher.births.source === 'ticks' && !deps.procRoot) deps.logger.warn(`watch: new servers are looked for once a second (${watcher.births.why}); run as root to see each at its start`);
    published = '';
    if (!watcher.config.enabled) deps.publish([]);
    return watcher;
  };
  const tick = (): void => {
    try {
      const w = current();
      w.tick(deps.owned());
      managers.update(w.list());
      publish();
    } catch (e) {
      deps.logger.error('watch: a tick failed', e);
    }
  };
  const stopTimer = everyShared(deps.tickMs ?? 1000, tick);
  tick();

  const result = (r: { ok: boolean; detail: string }): CommandResult => ({ ok: r.ok, message: r.detail });
  const known = (id: string): Watcher | null => (watcher?.get(id) ? watcher : null);

  return {
    attributeKill: (kill) => (watcher ? (watcher.attributeKill(kill)?.kill ?? null) : null),
    gpuPids: () => watcher?.gpuPids() ?? [],
    applyGpu: (processes) => {
      if (!watcher) return;
      watcher.applyGpu(processes);
      publish();
    },
    async stop(id) {
      const w = known(id);
      if (!w) return unknown(id);
      requested.add(id);
      const r = await w.stop(id);
      if (!r.ok) requested.delete(id);
      return result(r);
    },
    async restartUnit(id) {
      const w = known(id);
      return w ? result(await w.restartUnit(id)) : unknown(id);
    },
    async adopt(id) {
      const w = known(id);
      const server = w?.get(id);
      if (!w || !server) return unknown(id);
      const spec = w.adoptionSpec(id);
      if (!spec) {
        const why = watchActions(server, { uid }).find((a) => a.action === 'adopt')?.why;
        return { ok: false, message: `cannot adopt ${server.comm} ${server.pid}: ${why ?? 'not available'}` };
      }
      const backendId = adoptedId(server, spec.port, new Set(deps.backendIds()));
      const config = adoptedBackend(server, spec, process.env);
      // Checked before the server is stopped: a refused entry must not cost the user a running server.
      const valid = BackendSchema.safeParse(config);
      if (!valid.success) return { ok: false, message: `not adopted: its command line makes no valid backend (${valid.error.issues[0]?.message ?? 'invalid'})` };
      requested.add(id);
      const stopped = await w.stop(id);
      if (!stopped.ok) {
        requested.delete(id);
        return { ok: false, message: `not adopted: ${stopped.detail}` };
      }
      const added = await deps.addBackend(backendId, config);
      if (!added.ok) return { ok: false, message: `${stopped.detail}, but adding it as backend '${backendId}' failed: ${added.message}` };
      return { ok: true, message: `${stopped.detail}; it runs as backend '${backendId}' now (${added.message})` };
    },
    close() {
      stopTimer();
      managers.close();
      watcher?.close();
      watcher = null;
    },
  };
}
