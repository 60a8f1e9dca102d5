// A backend's kill priority: its oom_score_adj, written for the process
// right after posix_spawn returns (glibc's posix_spawn returns once the child
// has exec'd, before the program has loaded a model) and for anything already
// in its session, so the whole tree carries it; children it forks later
// inherit it from their parent. posix_spawn has no hook to run in the child
// before exec, and setting Vigil's own value around the spawn would make
// Vigil the kernel's first choice for that moment. Raising needs no
// privilege; going below 0 (or below what the process already has) needs
// CAP_SYS_RESOURCE, and without it Vigil writes nothing and says why.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { OOM_SCORE_ADJ_DEFAULT } from '../../common/config-schema.js';

const CAP_SYS_RESOURCE = 24;

/** Whether this process holds CAP_SYS_RESOURCE (effective set), from /proc/self/status. */
export function hasCapSysResource(procRoot = '/proc'): boolean {
  try {
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync(`${procRoot}/self/status`, 'utf8'));
    return m ? (BigInt(`0x${m[1]}`) >> BigInt(CAP_SYS_RESOURCE)) & 1n ? true : false : false;
  } catch {
    return false;
  }
}

/** /proc/PID/oom_score_adj, or null when the process is gone or the file unreadable. */
export function readOomScoreAdj(pid: number, procRoot = '/proc'): number | null {
  try {
    const v = Number(readFileSync(`${procRoot}/${pid}/oom_score_adj`, 'utf8').trim());
    return Number.isInteger(v) ? v : null;
  } catch {
    return null;
  }
}

/** The pids of a session (the backend runs in its own, from POSIX_SPAWN_SETSID), the leader first. */
function sessionPids(sid: number, procRoot: string): number[] {
  const out = [sid];
  let names: string[];
  try {
    names = readdirSync(procRoot);
  } catch {
    return out;
  }
  for (const n of names) {
    if (!/^\d+$/.test(n) || Number(n) === sid) continue;
    try {
      const stat = readFileSync(`${procRoot}/${n}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(f[3]) === sid) out.push(Number(n));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export type ScoreResult = { ok: true; value: number; pids: number[] } | { ok: false; value: number | null; why: string };

/**
 * Give the session led by `pid` the backend's oom_score_adj. A value below
 * what the process has (its inherited one) is written only with
 * CAP_SYS_RESOURCE; without it nothing is written and `why` says so.
 */
export function applyOomScoreAdj(pid: number, wanted: number = OOM_SCORE_ADJ_DEFAULT, procRoot = '/proc'): ScoreResult {
  const now = readOomScoreAdj(pid, procRoot);
  if (now === null) return { ok: false, value: null, why: `cannot read /proc/${pid}/oom_score_adj (process gone?)` };
  if (wanted < now && !hasCapSysResource(procRoot)) {
    return { ok: false, value: now, why: `oom.scoreAdj ${wanted} is below the inherited ${now}: lowering it needs CAP_SYS_RESOURCE, which Vigil does not have; left at ${now}` };
  }
  const done: number[] = [];
  for (const p of sessionPids(pid, procRoot)) {
    try {
      writeFileSync(`${procRoot}/${p}/oom_score_adj`, String(wanted));
      done.push(p);
    } catch (e) {
      if (p === pid) return { ok: false, value: now, why: `cannot write /proc/${pid}/oom_score_adj: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
    }
  }
  return { ok: true, value: wanted, pids: done };
}
