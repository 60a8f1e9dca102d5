import type { VigilEvent } from '../../common/state.js';
import type { BackendSupervisor } from './backend-supervisor.js';
import type { RunningRegistry } from './running-registry.js';
import type { EventDraft } from './types.js';
export interface AdoptionResult {
    adopted: string[];
    gone: string[];
    orphansStopped: string[];
}
export declare function adoptRecorded(registry: RunningRegistry, supervisors: ReadonlyMap<string, BackendSupervisor>, emit: (ev: EventDraft) => VigilEvent, orphanGraceMs?: number): Promise<AdoptionResult>;
