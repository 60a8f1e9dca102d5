// The dashboard's one store: the API it was connected to (window.vigil, or a
// fake in tests), the latest VigilState from it, the bridge's
// connection status, and UI choices (view, focused backend, theme).
import { create } from 'zustand';
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

const THEME_KEY = 'vigil.theme';

function initialTheme(): Theme {
  try {
    const t = localStorage.getItem(THEME_KEY);
    return t === 'dark' || t === 'light' ? t : 'system';
  } catch {
    return 'system';
  }
}

export const useUi = create<UiStore>()((set) => ({
  api: null,
  state: null,
  connection: 'connecting',
  lastStateAt: null,
  view: 'backends',
  focusId: null,
  theme: initialTheme(),
  error: null,
  setView: (view) => set({ view }),
  focus: (focusId, view) => set(view ? { focusId, view } : { focusId }),
  setTheme: (theme) => {
    try {
      localStorage.setItem(THEME_KEY, theme);
    } catch {
      // not persisted; still applied for this session
    }
    set({ theme });
  },
  setError: (error) => set({ error }),
}));

/**
 * Feeds the store from `api` (window.vigil in the app); returns a function
 * that unsubscribes everything. The API hands on the state with every object
 * that did not change kept as it was (common/client.ts applies deltas), so a
 * selector or a memoized card of an unchanged backend sees the same object.
 */
export function connectStore(api: VigilApi): () => void {
  useUi.setState({ api });
  const apply = (state: VigilState): void => useUi.setState({ state, lastStateAt: Date.now() });
  const offs = [
    api.onState(apply),
    api.onFocus((id) => useUi.getState().focus(id, 'backends')),
    // A new connection starts with a snapshot (and a missed delta asks for one): nothing to fetch here.
    api.onConnection((connection) => useUi.setState({ connection })),
  ];
  // The first snapshot may be on its way already; ask too, so a failure to load is shown.
  api.getState().then(
    (state) => {
      if (useUi.getState().state === null) apply(state);
    },
    (e: unknown) => useUi.getState().setError(`Could not load state: ${(e as Error).message}`),
  );
  return () => offs.forEach((off) => off());
}

/** The API the store is connected to; the app renders only after connectStore. */
export function useApi(): VigilApi {
  const api = useUi((s) => s.api);
  if (!api) throw new Error('the dashboard is not connected to a Vigil API (connectStore was not called)');
  return api;
}

/** A ticking clock for uptimes, shared by all cards (one timer, not one per card). */
export const useNow = create<{ now: number }>()(() => ({ now: Date.now() }));
let ticker: ReturnType<typeof setInterval> | null = null;
export function startClock(): void {
  if (ticker === null) ticker = setInterval(() => useNow.setState({ now: Date.now() }), 1000);
}
