// Display helpers only the dashboard needs: clock times, status tones, the
// header's summary, the log filter. Bytes, durations and exits are worded in
// electron/common/format.ts, shared with the hosts. Free of React and the DOM
// so they can be unit-tested in Node.
import type { BackendStatus, BackendView, OomKiller } from '../../electron/common/state.js';

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Local wall-clock time 'HH:MM:SS'. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** Local 'YYYY-MM-DD HH:MM:SS', for timelines that span days. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${formatClock(ms)}`;
}

export type Tone = 'ok' | 'busy' | 'warn' | 'bad' | 'idle';

/** Colour family of a status; the badge always shows the text too (not colour alone). */
export function statusTone(status: BackendStatus): Tone {
  switch (status) {
    case 'ready':
      return 'ok';
    case 'starting':
    case 'loading':
    case 'stopping':
      return 'busy';
    case 'unhealthy':
    case 'backoff':
      return 'warn';
    case 'exited':
    case 'failed':
      return 'bad';
    case 'stopped':
      return 'idle';
  }
}

export type Aggregate = { tone: Tone; text: string };

/** The header's one-glance summary of all backends. */
export function aggregateStatus(backends: readonly Pick<BackendView, 'status'>[]): Aggregate {
  if (backends.length === 0) return { tone: 'idle', text: 'no backends' };
  const count = (t: Tone): number => backends.filter((b) => statusTone(b.status) === t).length;
  const bad = count('bad');
  const warn = count('warn');
  const busy = count('busy');
  const ok = count('ok');
  const n = backends.length;
  if (bad > 0) return { tone: 'bad', text: `${bad} of ${n} down` };
  if (warn > 0) return { tone: 'warn', text: `${warn} of ${n} degraded` };
  if (busy > 0) return { tone: 'busy', text: `${busy} of ${n} starting` };
  if (ok === n) return { tone: 'ok', text: `all ${n} ready` };
  return { tone: 'idle', text: `${ok} of ${n} ready` };
}

export function killerLabel(k: OomKiller): string {
  return k === 'kernel' ? 'kernel OOM killer' : k;
}

/** Whole-array filter for the log search: case-insensitive substring, empty matches all. */
export function matchesFilter(text: string, filter: string): boolean {
  return filter === '' || text.toLowerCase().includes(filter.toLowerCase());
}
