import { type StoreApi } from 'zustand/vanilla';
import { type BackendView, type ConfigStatus, type GpuMemory, type KernelLogStatus, type MemoryAlert, type OomKill, type SystemMemory, type VigilEvent, type VigilState } from '../common/state.js';
import type { WatchedServer } from '../common/watch.js';
export declare function initialState(configPath?: string): VigilState;
export interface VigilStore {
    api: StoreApi<VigilState>;
    get(): VigilState;
    subscribe(cb: (s: VigilState) => void): () => void;
    /** Insert or replace a backend view (keeps order of first insertion). */
    upsertBackend(view: BackendView): void;
    /** Patch one backend; unknown ids are ignored (it may have just been removed). */
    setBackend(id: string, patch: Partial<BackendView>): void;
    removeBackend(id: string): void;
    getBackend(id: string): BackendView | undefined;
    pushEvent(ev: VigilEvent): void;
    pushOom(kill: OomKill): void;
    /** Adds the fit advice to the newest kill of `pid` in `backend` (nothing when there is none). */
    setOomAdvice(backend: string, pid: number, advice: string): void;
    setConfig(patch: Partial<ConfigStatus>): void;
    setSystemMemory(system: SystemMemory | null, gpus?: GpuMemory[]): void;
    setKernelLog(status: KernelLogStatus): void;
    setAlerts(alerts: MemoryAlert[]): void;
    /** The watched servers, replaced whole (the watch feed publishes only when they changed). */
    setWatched(watched: WatchedServer[]): void;
    /** Run fn; subscribers see one snapshot with all of its mutations (nested batches join the outer one). */
    batch(fn: () => void): void;
}
export declare function createVigilStore(init?: VigilState): VigilStore;
