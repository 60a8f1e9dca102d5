// Words and numbers as people read them, shared by every host and the
// dashboard: bytes in binary units, durations, clock times, and one line for an exit.
import type { ExitInfo } from './state.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** Local wall-clock time 'HH:MM:SS' (24-hour). */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

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

/** 65_000 → '1m 05s', 300 → '300 ms'; 2 units at most, largest first. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1) return '0s';
  // A sub-second delay (a fast backoff, a probe deadline) would read as '0s'.
  if (ms < 1000) return `${Math.floor(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  const d = Math.floor(h / 24);
  return `${d}d ${h % 24}h`;
}

/**
 * Time elapsed on a clock the dashboard shows (an uptime, a time since an
 * exit): whole seconds for the first ten minutes, then whole minutes (as
 * kubectl shows an age), so a wall of cards past their first minutes changes
 * once a minute, not each second: 184 → '0s', 65_400 → '1m 05s',
 * 754_000 → '12m', 3_900_000 → '1h 05m'.
 */
export function formatElapsed(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s >= 600 && s < 3600) return `${Math.floor(s / 60)}m`;
  return formatDuration(s * 1000);
}

/**
 * How long ago something happened, for a line re-read while it ages:
 * 'just now' under a second (milliseconds of an age are noise to a reader),
 * then formatDuration's words: '37s ago', '1m 05s ago'.
 */
export function formatAgo(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return ms < 1000 ? 'just now' : `${formatDuration(ms)} ago`;
}

/**
 * Time left until something planned (a restart in backoff), rounded up to the
 * second so a countdown never reads 'in 0s' before its moment: 19_001 → '20s'.
 */
export function formatCountdown(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return formatDuration(Math.ceil(Math.max(0, ms) / 1000) * 1000);
}


/** How a process ended, from its status alone: 'exited with code 3', 'killed by SIGKILL (core dumped)'; null when the status is unknown. */
export function describeExitStatus(exit: Pick<ExitInfo, 'code' | 'signal' | 'signalName' | 'coreDumped'>): string | null {
  if (exit.signal !== null) return `killed by ${exit.signalName ?? `signal ${exit.signal}`}${exit.coreDumped ? ' (core dumped)' : ''}`;
  if (exit.code !== null) return `exited with code ${exit.code}`;
  return null;
}

/** One line for a process exit, as the card shows it; the core words its exit reasons with describeExitStatus too. */
export function describeExit(exit: ExitInfo): string {
  if (exit.oomKilled) {
    const anon = exit.oom?.anonRssKb;
    return anon !== null && anon !== undefined ? `OOM-killed (anon RSS ${formatKb(anon)})` : 'OOM-killed';
  }
  // Out of GPU memory is no kernel kill, but as much a cause: said with the device and size.
  if (exit.gpuOom?.gpu) return `${describeExitStatus(exit) ?? 'exited'}: ${exit.gpuOom.gpu.summary}`;
  return describeExitStatus(exit) ?? (exit.reason || 'exited');
}


/** A config problem as one line: 'config.yaml:12:5 backends.llama.port: expected a number'. */
export function formatConfigIssue(i: { file: string; line: number | null; column: number | null; field: string | null; message: string }): string {
  const where = `${i.file}${i.line !== null ? `:${i.line}` : ''}${i.line !== null && i.column !== null ? `:${i.column}` : ''}`;
  return `${where}${i.field ? ` ${i.field}` : ''}: ${i.message}`;
}
