// The card's time figures, as people read them: an uptime only while a
// process is alive, else how long ago the last one exited; the next start
// of a backend in backoff as a clock time and a countdown.
import { LIVE_STATUSES } from '../../electron/common/commands.js';
import { formatCountdown, formatDuration } from '../../electron/common/format.js';
import type { BackendView } from '../../electron/common/state.js';
import { formatClock } from './format.js';

export interface Fact {
  label: string;
  text: string;
}

/** Statuses in which the backend's process is still there (a stop waits for it to go). */
const HAS_PROCESS = new Set([...LIVE_STATUSES, 'stopping']);

/** 'Uptime 5m 02s' for a live process; 'Exited 20s ago' once none is running; '—' when neither is known. */
export function lifeFact(b: Pick<BackendView, 'status' | 'startedAt' | 'lastExit'>, now: number): Fact {
  if (HAS_PROCESS.has(b.status)) return { label: 'Uptime', text: b.startedAt === null ? '—' : formatDuration(now - b.startedAt) };
  if (b.lastExit) return { label: 'Exited', text: `${formatDuration(now - b.lastExit.time)} ago` };
  return { label: 'Uptime', text: '—' };
}

/** '12:04:31 (in 20s)' while in backoff with a planned start, else null. */
export function nextStart(b: Pick<BackendView, 'status' | 'nextRestartAt'>, now: number): string | null {
  if (b.status !== 'backoff' || b.nextRestartAt === null) return null;
  return `${formatClock(b.nextRestartAt)} (in ${formatCountdown(b.nextRestartAt - now)})`;
}
