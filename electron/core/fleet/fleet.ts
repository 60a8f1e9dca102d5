// The supervised backends: one BackendSupervisor per configured backend,
// created, reconfigured, restarted or removed as the config changes; at
// start-up, adoption of what a previous Vigil left running (running.json)
// before anything is autostarted; at quit, stopping all but the backends
// kept running for the next Vigil.
import type { BackendConfig } from '../../common/config-schema.js';
import type { VigilEvent } from '../../common/state.js';
import type { BackendLogs } from '../logs/backend-logs.js';
import type { VigilStore } from '../store.js';
import { adoptRecorded } from '../supervisor/adoption.js';
import { BackendSupervisor } from '../supervisor/backend-supervisor.js';
import type { RunningRegistry } from '../supervisor/running-registry.js';
import type { EventDraft } from '../events.js';
import type { CgroupFactory, SupervisorDeps } from '../supervisor/types.js';
import type { Logger } from '../diagnostics.js';
import { diffBackends } from './config-diff.js';

export interface FleetDeps {
  /** Where each supervisor publishes its backend's view; the fleet removes the views of removed backends. */
  store: VigilStore;
  emit: (d: EventDraft) => VigilEvent;
  registry: RunningRegistry;
  logs: BackendLogs;
  /** Memory-limit cgroups, or why there are none. */
  cgroups: { factory: CgroupFactory | null; why: string };
  log: Logger;
  /** What features plug into every supervisor (seams.ts), and strict transitions for tests. */
  supervisor?: SupervisorExtras;
}

export type SupervisorExtras = Pick<SupervisorDeps, 'strict' | 'preStart' | 'explainers' | 'tickWork' | 'observers'>;

export class Fleet {
  private readonly supervisors = new Map<string, BackendSupervisor>();
  private configs = new Map<string, BackendConfig>();

  constructor(private readonly deps: FleetDeps) {}

  get(id: string): BackendSupervisor | undefined {
    return this.supervisors.get(id);
  }

  list(): BackendSupervisor[] {
    return [...this.supervisors.values()];
  }

  /**
   * Bring the fleet to `next`. At start-up (`initial`) nothing is started
   * here: adoption comes first, then autostart. Later, added backends with
   * autostart start, and a backend whose process was started with a changed
   * command, environment, port or limit is restarted.
   */
  async apply(next: ReadonlyMap<string, BackendConfig>, initial: boolean): Promise<void> {
    const { emit } = this.deps;
    const changes = diffBackends(this.configs, next);
    this.configs = new Map(next);
    for (const id of changes.removed) {
      emit({ kind: 'config', backend: id, reason: `backend '${id}' removed from the config: stopping it` });
      await this.remove(id);
    }
    const toStart: BackendSupervisor[] = [];
    for (const cfg of changes.added) {
      const sup = this.add(cfg);
      if (initial) continue;
      emit({ kind: 'config', backend: cfg.id, reason: `backend '${cfg.id}' added` });
      if (cfg.autostart) toStart.push(sup);
    }
    for (const { config, restart } of changes.changed) {
      const sup = this.supervisors.get(config.id)!;
      sup.setConfig(config);
      if (restart && sup.process) {
        emit({ kind: 'config', backend: config.id, reason: `backend '${config.id}' changed: restarting it` });
        await sup.restart();
      }
    }
    await Promise.all(toStart.map((s) => s.start()));
  }

  /** Take over the backends a previous Vigil recorded as running; stop recorded ones no longer configured. */
  async adopt(): Promise<void> {
    await adoptRecorded(this.deps.registry, this.supervisors, this.deps.emit);
  }

  /** Start every autostart backend that is not running (an adopted one already is: no duplicate). */
  async autostart(): Promise<void> {
    await Promise.all(this.list().filter((s) => this.configs.get(s.id)?.autostart && s.status === 'stopped').map((s) => s.start()));
  }

  /** Stop every backend but those kept running on quit, which stay recorded for the next Vigil to adopt. */
  async shutdown(onProgress?: (msg: string) => void): Promise<void> {
    const all = this.list();
    const keep = new Set(all.filter((s) => this.configs.get(s.id)?.keepRunningOnQuit && s.process));
    // A backend waiting in backoff has no process yet but a timer that would
    // spawn one during the quit: it is stopped too (its restart cancelled),
    // and the fleet looks again until nothing of its own runs.
    const running = (s: BackendSupervisor): boolean => !keep.has(s) && (s.process !== null || s.status === 'backoff');
    for (let round = 0; round < 3; round++) {
      const stop = all.filter(running);
      if (stop.length === 0) break;
      onProgress?.(`stopping ${stop.map((s) => s.id).join(', ')}…`);
      await Promise.all(
        stop.map(async (s) => {
          const r = await s.stop();
          onProgress?.(`${s.id}: ${r.message}`);
        }),
      );
    }
    for (const s of keep) {
      const pid = s.process?.pid ?? null;
      this.deps.emit({ kind: 'system', backend: s.id, reason: `left running on quit (keepRunningOnQuit); pid ${pid} recorded for adoption`, pid });
      onProgress?.(`${s.id}: left running`);
    }
    for (const s of all) {
      if (keep.has(s)) s.detach();
      else s.dispose();
    }
    this.supervisors.clear();
  }

  private add(cfg: BackendConfig): BackendSupervisor {
    const log = this.deps.logs.get(cfg.id);
    const sup = new BackendSupervisor(cfg, {
      store: this.deps.store,
      emit: this.deps.emit,
      registry: this.deps.registry,
      logPath: log.path,
      note: (text) => log.appendVigilLine(text),
      cgroupFactory: this.deps.cgroups.factory,
      cgroupUnavailable: this.deps.cgroups.why,
      log: this.deps.log,
      ...this.deps.supervisor,
    });
    this.supervisors.set(cfg.id, sup);
    return sup;
  }

  private async remove(id: string): Promise<void> {
    const sup = this.supervisors.get(id);
    if (!sup) return;
    if (sup.process) await sup.stop();
    sup.retire();
    this.supervisors.delete(id);
    this.deps.store.removeBackend(id);
    this.deps.logs.close(id);
  }
}
