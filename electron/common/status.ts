// What a backend's status means, once: whether a process is meant to run,
// whether one may still be there, whether the backend counts as down, its
// colour and the word a summary counts it under. The supervisor, the tray,
// the header, the card, the llama panel, notifications, the fit feed and
// /metrics all read this table (test-support/status-traits.test.ts proves
// they agree).
import type { BackendStatus } from './state.js';
import { BACKEND_STATUSES } from './state.js';

/** Colour family of a status; the badge always shows the text too (not colour alone). */
export type Tone = 'ok' | 'busy' | 'warn' | 'bad' | 'idle';

export interface StatusTraits {
  /** A process is meant to run and is coming up or serving: health is watched, stop and restart act on it. */
  live: boolean;
  /** A process of the backend may still be there: live, or being stopped (a stop waits for it to go). */
  hasProcess: boolean;
  /** Answers requests. */
  serving: boolean;
  /** Not serving and not on its way back by itself: the tray's alarm. */
  down: boolean;
  /** Colour family: the badge, the header's worst tone. */
  tone: Tone;
  /** What the header's summary counts it as ('1 down, 2 degraded of 4'); null when it is no trouble. */
  summaryWord: string | null;
}

const t = (live: boolean, hasProcess: boolean, serving: boolean, down: boolean, tone: Tone, summaryWord: string | null): StatusTraits => ({ live, hasProcess, serving, down, tone, summaryWord });

/**
 * `unhealthy` is down for the tray (its process answers nothing) but only
 * degraded in the header's count, beside `backoff`, which is on its way back;
 * `exited` and `failed` are down in both.
 */
export const STATUS_TRAITS: Readonly<Record<BackendStatus, StatusTraits>> = {
  //             live   process serving down   tone     summary
  stopped: t(false, false, false, false, 'idle', null),
  starting: t(true, true, false, false, 'busy', 'starting'),
  loading: t(true, true, false, false, 'busy', 'starting'),
  ready: t(true, true, true, false, 'ok', null),
  unhealthy: t(true, true, false, true, 'warn', 'degraded'),
  stopping: t(false, true, false, false, 'busy', 'starting'),
  exited: t(false, false, false, true, 'bad', 'down'),
  backoff: t(false, false, false, false, 'warn', 'degraded'),
  failed: t(false, false, false, true, 'bad', 'down'),
};

const where = (trait: keyof StatusTraits): readonly BackendStatus[] => BACKEND_STATUSES.filter((s) => STATUS_TRAITS[s][trait] === true);

/** States in which a process of the backend is (or is about to be) alive. */
export const LIVE_STATUSES: readonly BackendStatus[] = where('live');
/** States in which the backend's process may still be there. */
export const PROCESS_STATUSES: readonly BackendStatus[] = where('hasProcess');

export const isLive = (s: BackendStatus): boolean => STATUS_TRAITS[s].live;
export const hasProcess = (s: BackendStatus): boolean => STATUS_TRAITS[s].hasProcess;
export const statusTone = (s: BackendStatus): Tone => STATUS_TRAITS[s].tone;
