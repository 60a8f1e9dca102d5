// Display helpers only the dashboard needs: dates, status tones, the
// header's summary, the log filter. Bytes, durations and exits are worded in
// electron/common/format.ts, shared with the hosts. Free of React and the DOM
// so they can be unit-tested in Node.
import type { BackendView, OomKill, OomKiller } from '../../electron/common/state.js';
import { STATUS_TRAITS, statusTone, type Tone } from '../../electron/common/status.js';

import { formatClock } from '../../electron/common/format.js';

// The tray and notifications word clock times too: formatClock lives with the shared wording.
export { formatClock };

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Local 'YYYY-MM-DD HH:MM:SS', for timelines that span days. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${formatClock(ms)}`;
}

// A status's colour and summary word are electron/common/status.ts's.
export { statusTone, type Tone };

export type Aggregate = { tone: Tone; text: string };

/** Trouble, worst first. */
const SEVERITY: readonly Tone[] = ['bad', 'warn', 'busy'];

/**
 * The header's one-glance summary of all backends: the worst tone, and every
 * kind of trouble counted ('1 down, 2 degraded of 4'), so one failed backend
 * does not hide two others that are not serving either.
 */
export function aggregateStatus(backends: readonly Pick<BackendView, 'status'>[]): Aggregate {
  if (backends.length === 0) return { tone: 'idle', text: 'no backends' };
  const n = backends.length;
  const troubles: { tone: Tone; word: string; n: number }[] = [];
  for (const tone of SEVERITY) {
    for (const b of backends) {
      const { tone: bt, summaryWord: word } = STATUS_TRAITS[b.status];
      if (bt !== tone || word === null) continue;
      const seen = troubles.find((t) => t.word === word);
      if (seen) seen.n++;
      else troubles.push({ tone, word, n: 1 });
    }
  }
  if (troubles.length > 0) return { tone: troubles[0]!.tone, text: `${troubles.map((t) => `${t.n} ${t.word}`).join(', ')} of ${n}` };
  const ok = backends.filter((b) => STATUS_TRAITS[b.status].serving).length;
  if (ok === n) return { tone: 'ok', text: `all ${n} ready` };
  return { tone: 'idle', text: `${ok} of ${n} ready` };
}

export function killerLabel(k: OomKiller): string {
  return k === 'kernel' ? 'kernel OOM killer' : k === 'backend' ? 'itself (GPU allocation failed)' : k === 'vigil' ? 'shed by Vigil' : k;
}

/** Whole-array filter for the log search: case-insensitive substring, empty matches all. */
export function matchesFilter(text: string, filter: string): boolean {
  return filter === '' || text.toLowerCase().includes(filter.toLowerCase());
}

/**
 * The OOM kills that concern this machine's backends: a kill of a backend's
 * process, or a system-wide kill (memory ran out for everyone). A kill inside
 * another program's memory cgroup was that program's own limit: listed, not
 * counted, so the tab's number is not read as kills of your backends.
 */
export function oomCounts(ooms: readonly Pick<OomKill, 'backend' | 'scope'>[]): { concern: number; other: number } {
  const concern = ooms.filter((k) => k.backend !== null || k.scope === 'global').length;
  return { concern, other: ooms.length - concern };
}
