// A backend's kill priority: its oom_score_adj, written for the process
// right after posix_spawn returns (glibc's posix_spawn returns once the child
// has exec'd, before the program has loaded a model) and for anything it has
// already forked, so the whole tree carries it; children it forks later
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

/**
 * The process and its descendants, from /proc/PID/task/TID/children (the
 * kernel's own list: no scan of every process). Where the kernel lacks it
 * (CONFIG_PROC_CHILDREN), the process alone.
 */
function treePids(pid: number, procRoot: string): number[] {
  const out = [pid];
  for (let i = 0; i < out.length && out.length < 4096; i++) {
    const p = out[i]!;
    let tids: string[];
    try {
      tids = readdirSync(`${procRoot}/${p}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        for (const c of readFileSync(`${procRoot}/${p}/task/${tid}/children`, 'utf8').split(' ')) if (c.trim()) out.push(Number(c));
      } catch {
        // gone meanwhile, or no children file
      }
    }
  }
  return out;
}

export type ScoreResult = { ok: true; value: number; pids: number[] } | { ok: false; value: number | null; why: string };

/**
 * Give `pid` and what it has forked so far the backend's oom_score_adj. A value below
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
  for (const p of treePids(pid, procRoot)) {
    try {
      writeFileSync(`${procRoot}/${p}/oom_score_adj`, String(wanted));
      done.push(p);
    } catch (e) {
      if (p === pid) return { ok: false, value: now, why: `cannot write /proc/${pid}/oom_score_adj: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
    }
  }
  return { ok: true, value: wanted, pids: done };
}
