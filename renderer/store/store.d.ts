import type { ConnectionStatus, VigilApi } from '../../electron/common/api.js';
import type { VigilState } from '../../electron/common/state.js';
export type View = 'backends' | 'memory' | 'ooms' | 'logs';
export type Theme = 'system' | 'dark' | 'light';
export interface UiStore {
    /** The API given to connectStore; components call it through useApi(). */
    api: VigilApi | null;
    state: VigilState | null;
    connection: ConnectionStatus;
    /** Local time the last snapshot arrived: "data is stale since …". */
    lastStateAt: number | null;
    view: View;
    /** Backend the logs view shows and the backends view highlights. */
    focusId: string | null;
    theme: Theme;
    /** Last failure of a user action or of loading, shown until dismissed. */
    error: string | null;
    setView(v: View): void;
    focus(id: string | null, view?: View): void;
    setTheme(t: Theme): void;
    setError(e: string | null): void;
}
export declare const useUi: import("zustand").UseBoundStore<import("zustand").StoreApi<UiStore>>;
/** Feeds the store from `api` (window.vigil in the app); returns a function that unsubscribes everything. */
export declare function connectStore(api: VigilApi): () => void;
/** The API the store is connected to; the app renders only after connectStore. */
export declare function useApi(): VigilApi;
/** A ticking clock for uptimes, shared by all cards (one timer, not one per card). */
export declare const useNow: import("zustand").UseBoundStore<import("zustand").StoreApi<{
    now: number;
}>>;
export declare function startClock(): void;
