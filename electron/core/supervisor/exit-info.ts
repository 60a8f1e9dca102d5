// Turning a reap result (or its absence) into the ExitInfo the UI shows.
import { signalName, type ReapResult } from '../../../native-bindings/process.js';
import type { ExitInfo, OomKill } from '../../common/state.js';

export function describeExit(code: number | null, signal: number | null, coreDumped = false): string {
  if (code !== null) return `exited with code ${code}`;
  if (signal !== null) return `killed by ${signalName(signal) ?? `signal ${signal}`}${coreDumped ? ' (core dumped)' : ''}`;
  return 'exited';
}

/** ExitInfo from a reap; `unreapedReason` is used when no status could be collected. */
export function exitFromReap(pid: number, r: ReapResult | null, unreapedReason: string): ExitInfo {
  const base = { time: Date.now(), pid, oomKilled: false, oom: null };
  if (r && r.exited) {
    return {
      ...base,
      code: r.code,
      signal: r.signal,
      signalName: r.signal !== null ? (signalName(r.signal) ?? null) : null,
      coreDumped: r.coreDumped,
      reaped: true,
      reason: describeExit(r.code, r.signal, r.coreDumped),
    };
  }
  return { ...base, code: null, signal: null, signalName: null, coreDumped: false, reaped: false, reason: unreapedReason };
}

/** The same exit, now known to be the OOM killer's doing. */
export function withOom(exit: ExitInfo, kill: OomKill | null, how: string): ExitInfo {
  return { ...exit, oomKilled: true, oom: kill ?? exit.oom, reason: `oom-killed (${how})${exit.reaped ? `, ${exit.reason}` : ''}` };
}
