import type { BackendConfig } from '../../common/config-schema.js';
import type { VigilEvent } from '../../common/state.js';
import type { BackendLogs } from '../logs/backend-logs.js';
import type { VigilStore } from '../store.js';
import { BackendSupervisor } from '../supervisor/backend-supervisor.js';
import type { RunningRegistry } from '../supervisor/running-registry.js';
import type { CgroupFactory, EventDraft, SupervisorDeps } from '../supervisor/types.js';
import type { Logger } from '../diagnostics.js';
export interface FleetDeps {
    /** Where each supervisor publishes its backend's view; the fleet removes the views of removed backends. */
    store: VigilStore;
    emit: (d: EventDraft) => VigilEvent;
    registry: RunningRegistry;
    logs: BackendLogs;
    /** Memory-limit cgroups, or why there are none. */
    cgroups: {
        factory: CgroupFactory | null;
        why: string;
    };
    log: Logger;
    /** What features plug into every supervisor (seams.ts), and strict transitions for tests. */
    supervisor?: SupervisorExtras;
}
export type SupervisorExtras = Pick<SupervisorDeps, 'strict' | 'preStart' | 'explainers' | 'tickWork'>;
export declare class Fleet {
    private readonly deps;
    private readonly supervisors;
    private configs;
    constructor(deps: FleetDeps);
    get(id: string): BackendSupervisor | undefined;
    list(): BackendSupervisor[];
    /**
     * Bring the fleet to `next`. At start-up (`initial`) nothing is started
     * here: adoption comes first, then autostart. Later, added backends with
     * autostart start, and a backend whose process was started with a changed
     * command, environment, port or limit is restarted.
     */
    apply(next: ReadonlyMap<string, BackendConfig>, initial: boolean): Promise<void>;
    /** Take over the backends a previous Vigil recorded as running; stop recorded ones no longer configured. */
    adopt(): Promise<void>;
    /** Start every autostart backend that is not running (an adopted one already is: no duplicate). */
    autostart(): Promise<void>;
    /** Stop every backend but those kept running on quit, which stay recorded for the next Vigil to adopt. */
    shutdown(onProgress?: (msg: string) => void): Promise<void>;
    private add;
    private remove;
}
