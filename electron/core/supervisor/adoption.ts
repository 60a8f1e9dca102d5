// Re-adoption at Vigil start: backends a previous Vigil left running (crash,
// kill -9, or keepRunningOnQuit) are taken over instead of spawned again.
// Records whose process is gone are dropped with an event; records for
// backends no longer configured are terminated so orphans never pile up.
import { adoptProcess, terminate, closeHandle } from '../../../native-bindings/process.js';
import type { VigilEvent } from '../../common/state.js';
import type { BackendSupervisor } from './backend-supervisor.js';
import type { RunningRegistry } from './running-registry.js';
import type { EventDraft } from '../events.js';

export interface AdoptionResult {
  adopted: string[];
  gone: string[];
  orphansStopped: string[];
}

export async function adoptRecorded(
  registry: RunningRegistry,
  supervisors: ReadonlyMap<string, BackendSupervisor>,
  emit: (ev: EventDraft) => VigilEvent,
  orphanGraceMs = 5000,
): Promise<AdoptionResult> {
  const res: AdoptionResult = { adopted: [], gone: [], orphansStopped: [] };
  for (const rec of registry.load()) {
    const sup = supervisors.get(rec.id);
    if (sup) {
      if (await sup.adopt(rec)) {
        res.adopted.push(rec.id);
        emit({ kind: 'system', backend: rec.id, reason: `adopted pid ${rec.pid} (port ${rec.port ?? 'none'}) left running by a previous Vigil`, pid: rec.pid });
      } else {
        registry.delete(rec.id);
        res.gone.push(rec.id);
        emit({ kind: 'system', backend: rec.id, reason: `recorded process ${rec.pid} is gone; record dropped`, pid: rec.pid });
      }
      continue;
    }
    // Not configured any more: stop it rather than leave an unmanaged server holding RAM.
    const h = adoptProcess(rec.pid, rec.startTime);
    registry.delete(rec.id);
    if (!h) {
      res.gone.push(rec.id);
      emit({ kind: 'system', backend: rec.id, reason: `recorded process ${rec.pid} is gone; record dropped`, pid: rec.pid });
      continue;
    }
    try {
      await terminate(h, { graceMs: orphanGraceMs });
      res.orphansStopped.push(rec.id);
      emit({ kind: 'system', backend: rec.id, reason: `stopped orphan pid ${rec.pid}: backend '${rec.id}' is no longer in the config`, pid: rec.pid });
    } catch (e) {
      emit({ kind: 'system', backend: rec.id, reason: `orphan pid ${rec.pid} (backend '${rec.id}' no longer configured) could not be stopped: ${(e as Error).message}`, pid: rec.pid });
    } finally {
      closeHandle(h);
    }
  }
  return res;
}
