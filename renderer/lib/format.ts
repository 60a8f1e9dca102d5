// Pure display helpers: bytes, durations, clock times, exits, status tones.
// Kept free of React and the DOM so they can be unit-tested in Node.
import type { BackendStatus, BackendView, ExitInfo, OomKiller } from '../../electron/common/state.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** 1536 → '1.5 KiB'. Binary units, because that is what /proc and cgroup limits use. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  const neg = bytes < 0;
  let v = Math.abs(bytes);
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const text = u === 0 ? String(Math.round(v)) : v >= 100 ? v.toFixed(0) : v.toFixed(1);
  return `${neg ? '-' : ''}${text} ${UNITS[u]}`;
}

/** Kernel log figures are in kB (KiB). */
export function formatKb(kb: number | null | undefined): string {
  return kb === null || kb === undefined ? '—' : formatBytes(kb * 1024);
}

/** 65_000 → '1m 05s'; 2 units at most, largest first. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 0) ms = 0;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  const d = Math.floor(h / 24);
  return `${d}d ${h % 24}h`;
}

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

/** One line for a process exit, as the card shows it. */
export function describeExit(exit: ExitInfo): string {
  if (exit.oomKilled) {
    const anon = exit.oom?.anonRssKb;
    return anon !== null && anon !== undefined ? `OOM-killed (anon RSS ${formatKb(anon)})` : 'OOM-killed';
  }
  if (exit.signal !== null) {
    const name = exit.signalName ?? `signal ${exit.signal}`;
    return `killed by ${name}${exit.coreDumped ? ' (core dumped)' : ''}`;
  }
  if (exit.code !== null) return `exited with code ${exit.code}`;
  return exit.reason || 'exited';
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
