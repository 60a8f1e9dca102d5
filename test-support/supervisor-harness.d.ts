import type { BackendStatus, VigilEvent } from '../electron/common/state.js';
import { type VigilStore } from '../electron/core/store.js';
import { BackendSupervisor, type SupervisorDeps } from '../electron/core/supervisor/backend-supervisor.js';
import { RunningRegistry } from '../electron/core/supervisor/running-registry.js';
import type { EventDraft, SupervisedBackendConfig } from '../electron/core/supervisor/types.js';
/** The fake llama-server fixture (flags: --port, --load-ms, --crash-after-ms, --hang-after-ms, --ignore-sigterm …). */
export declare const FAKE_SERVER: string;
export declare function fakeBackend(id: string, args: string[], over?: Partial<SupervisedBackendConfig>): SupervisedBackendConfig;
export declare function eventSink(store: VigilStore, events?: VigilEvent[]): (d: EventDraft) => VigilEvent;
export interface Harness {
    dir: string;
    store: VigilStore;
    events: VigilEvent[];
    registry: RunningRegistry;
    sup: BackendSupervisor;
    logPath: string;
    log(): string;
    transitions(): {
        to: BackendStatus | null;
        reason: string;
        time: number;
    }[];
    waitFor(status: BackendStatus | ((s: BackendStatus) => boolean), timeoutMs?: number): Promise<void>;
    cleanup(): Promise<void>;
}
export declare function makeHarness(cfg: SupervisedBackendConfig, extra?: Partial<SupervisorDeps>): Harness;
export declare function waitUntil(cond: () => boolean, timeoutMs: number, what?: () => string): Promise<void>;
