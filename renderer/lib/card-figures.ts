// The card's figures, as people read them: an uptime only while a process
// is alive, else how long ago the last one exited; the next start of a
// backend in backoff as a clock time and a countdown; memory only for a live
// process (a dead one's last sample is labelled as such); health latency
// only while its checks pass.
import { formatBytes, formatCountdown, formatElapsed, formatKb } from '../../electron/common/format.js';
import { describeGpuUse } from '../../electron/common/gpu-format.js';
import type { BackendView } from '../../electron/common/state.js';
import { hasProcess } from '../../electron/common/status.js';
import { formatClock } from './format.js';

export interface Fact {
  label: string;
  text: string;
  /** More detail on hover; null when none. */
  title?: string | null;
}

/** 'Uptime 5m 02s' for a live process; 'Exited 20s ago' once none is running; '—' when neither is known. */
export function lifeFact(b: Pick<BackendView, 'status' | 'startedAt' | 'lastExit'>, now: number): Fact {
  if (hasProcess(b.status)) return { label: 'Uptime', text: b.startedAt === null ? '—' : formatElapsed(now - b.startedAt) };
  if (b.lastExit) return { label: 'Exited', text: `${formatElapsed(now - b.lastExit.time)} ago` };
  return { label: 'Uptime', text: '—' };
}

/** '12:04:31 (in 20s)' while in backoff with a planned start, else null. */
export function nextStart(b: Pick<BackendView, 'status' | 'nextRestartAt'>, now: number): string | null {
  if (b.status !== 'backoff' || b.nextRestartAt === null) return null;
  return `${formatClock(b.nextRestartAt)} (in ${formatCountdown(b.nextRestartAt - now)})`;
}

/**
 * RSS of the live process tree (with its breakdown on hover), against the
 * memory limit when there is one. Without a live process there is no memory:
 * what is left is shown as the past — the kernel's figure at an OOM kill, or
 * the last sample before the exit — never as a current figure.
 */
export function memoryFact(b: Pick<BackendView, 'status' | 'pid' | 'memory' | 'memoryLimit' | 'lastExit'>): Fact {
  const limit = b.memoryLimit !== null ? ` / ${formatBytes(b.memoryLimit)}` : '';
  const m = b.memory;
  if (hasProcess(b.status) && b.pid !== null && m) {
    const parts = [`anon ${formatBytes(m.anon)}`, `file ${formatBytes(m.file)}`, `shmem ${formatBytes(m.shmem)}`, `swap ${formatBytes(m.swap)}`];
    if (m.pss !== null) parts.push(`PSS ${formatBytes(m.pss)}`);
    return { label: 'RSS', text: `${formatBytes(m.rss)}${limit}`, title: `${parts.join(', ')}; ${m.processes} process${m.processes === 1 ? '' : 'es'}` };
  }
  const exit = b.lastExit;
  const kill = exit?.oomKilled ? exit.oom : null;
  if (!hasProcess(b.status) && kill && kill.anonRssKb !== null) {
    // The kernel's own figure at the kill, not an older sample: the one a memory limit is judged against.
    const more = [`file ${formatKb(kill.fileRssKb)}`, `shmem ${formatKb(kill.shmemRssKb)}`, `total-vm ${formatKb(kill.totalVmKb)}`].join(', ');
    return { label: 'RSS', text: `at kill: ${formatKb(kill.anonRssKb)} anon${limit}`, title: `the kernel's figures when it killed pid ${kill.pid}: anon ${formatKb(kill.anonRssKb)}, ${more}; no process runs now` };
  }
  if (!hasProcess(b.status) && exit && exit.lastRss !== null && exit.lastRss !== undefined) {
    return { label: 'RSS', text: `before exit: ${formatBytes(exit.lastRss)}${limit}`, title: `the last sample before pid ${exit.pid} exited at ${formatClock(exit.time)}; no process runs now` };
  }
  return { label: 'RSS', text: `—${limit}`, title: null };
}

/** The smoothed probe latency; an unhealthy backend's checks fail, so it shows that instead of the last good answer's latency. */
/** The GPU memory the live tree holds, per device; null when it holds none (or no source can tell). */
export function gpuFact(b: Pick<BackendView, 'status' | 'pid' | 'memory'>): Fact | null {
  const use = b.memory?.gpu;
  if (!hasProcess(b.status) || b.pid === null || !use?.length) return null;
  const g = describeGpuUse(use);
  return { label: 'GPU', text: g.text, title: g.title };
}

export function healthFact(b: Pick<BackendView, 'status' | 'healthLatencyMs'>): Fact {
  if (b.status === 'unhealthy') return { label: 'Health', text: 'failing' };
  return { label: 'Health', text: b.healthLatencyMs === null ? '—' : `${Math.round(b.healthLatencyMs)} ms` };
}
