// Turning a wait result (or its absence) into the ExitInfo the UI shows. The
// status is worded by electron/common/format.ts, so an exit reason in the
// core and the dashboard's line for it say the same.
import { signalName, type ReapResult } from '../../../native-bindings/process.js';
import { describeExitStatus } from '../../common/format.js';
import type { ExitInfo, OomKill } from '../../common/state.js';

/**
 * ExitInfo from reap() (`collected`: the zombie is gone) or peekExit() (it
 * stays for the user to reap); `unknown` is the reason when no status could
 * be read.
 */
export function exitFromWait(pid: number, r: ReapResult | null, unknown: string, collected = true): ExitInfo {
  if (r && r.exited) {
    const exit: ExitInfo = {
      time: Date.now(),
      pid,
      code: r.code,
      signal: r.signal,
      signalName: r.signal !== null ? (signalName(r.signal) ?? null) : null,
      coreDumped: r.coreDumped,
      reaped: collected,
      oomKilled: false,
      oom: null,
      reason: unknown,
    };
    exit.reason = describeExitStatus(exit) ?? unknown;
    return exit;
  }
  return { time: Date.now(), pid, code: null, signal: null, signalName: null, coreDumped: false, reaped: false, oomKilled: false, oom: null, reason: unknown };
}

/** Which notice said it was an OOM kill, in the exit's reason: the kernel log, the journal, or the backend's cgroup counter (null: the counter). */
export function oomHow(kill: Pick<OomKill, 'source'> | null): string {
  return kill === null || kill.source === 'cgroup' ? 'cgroup memory limit' : kill.source;
}

/** The same exit, now known to be the OOM killer's doing (`how`: which source said so). */
export function withOom(exit: ExitInfo, kill: OomKill | null, how: string): ExitInfo {
  const status = describeExitStatus(exit);
  return { ...exit, oomKilled: true, oom: kill ?? exit.oom, reason: `oom-killed (${how})${status ? `, ${status}` : ''}` };
}

/** The same exit with more said about it: a note ('zombie awaiting reap') or what its log explains ('CUDA out of memory'). */
export function withNote(exit: ExitInfo, note: string, sep = '; '): ExitInfo {
  return { ...exit, reason: `${exit.reason}${sep}${note}` };
}
