// Every wording of the three OOM killers, by source and version, and what
// each means to Vigil. The table is the reference for parser.ts (kernel)
// and user-space-killers.ts (earlyoom, systemd-oomd, PID 1); a fixture line
// for each row is in fixtures/wordings.txt. "kill" rows make an OomKill;
// every other row is context or a notice and never a kill. A line in no
// row is ignored (never an error, never a kill).
//
// Kernel — mm/oom_kill.c, mm/memcontrol.c (see also the shared formats.md)
//   %s invoked oom-killer: gfp_mask=0x%x, order=%d, oom_score_adj=%hd      3.x–4.5       trigger
//     … gfp_mask=%#x(%pGg), order=…                                        4.6–4.8, 5.0+ trigger
//     … gfp_mask=%#x(%pGg), nodemask=%*pbl,[ ]order=…                      4.9–4.20      trigger
//   %s: Kill process %d (%s) score %u or sacrifice child                  3.x–4.20      selection (the
//                                                                          Killed line names the victim)
//   Killed process %d (%s) total-vm:…kB, anon-rss:…kB, file-rss:…kB       3.x–4.4       kill
//     … , shmem-rss:…kB                                                    4.5–5.0       kill
//   %s: Killed process %d (%s) total-vm:… shmem-rss:…kB                   5.1–5.3       kill
//     … , UID:%u pgtables:%lukB oom_score_adj:%hd                          5.4–6.x       kill
//     %s = Out of memory | Memory cgroup out of memory | Out of memory (oom_kill_allocating_task)
//   Killed process %d (%s), UID %u, total-vm:…                            RHEL 7        kill
//   Killed process %d, UID %d, (%s) total-vm:…                            RHEL 6        kill
//   Kill process %d (%s) sharing same memory                              3.x–4.x       kill
//   oom-kill:constraint=%s,nodemask=…,…,task=%s,pid=%d,uid=%d             5.0+          summary (a kill
//                                                                          only when its Killed line is missing)
//   %s: OOM victim %d (%s) is already exiting. Skip killing the task      5.x+          cancels the summary
//   oom_reaper: reaped process %d (%s), now anon-rss:…                    4.6+          notice
//   oom_reaper: unable to reap pid:%d (%s)                                4.6+          notice
//   oom killer %d (%s) has mm pinned by %d (%s)                           4.x+          notice
//   Task in %s killed as a result of limit of %s                          3.x–4.x       memcg context
//   Memory limit reached of cgroup %s / Memory cgroup stats for %s:       3.x+          memcg context
//   Tasks in %s are going to be killed due to memory.oom.group set        4.19+         memcg context
//   Out of memory and no killable processes...                            3.x–6.x       notice (3.x: the panic
//                                                                          text; 4.x+: then System is deadlocked on memory)
//   Out of memory: (system-wide|compulsory) panic_on_oom is enabled       all           notice (panics)
//
// earlyoom — kill.c, main.c (a line of earlyoom, or of an unknown origin)
//   Killing process %d %s                                                 0.x–1.0       kill
//   Killing process: %s, pid: %d, badness: %d, VmRSS: %lu MiB             1.1           kill
//   Killing process '%s' with signal %d, pid: %d, badness: %d, VmRSS: …   1.2           kill (signal 0 is
//                                                                          the start-up self-test: no kill)
//   sending %s to process %d "%s": badness %d, VmRSS %lu MiB              1.3           kill
//   sending %s to process %d uid %d "%s": badness %d, VmRSS %lld MiB      1.4–1.7       kill
//     … : oom_score %d, VmRSS %lld MiB, cmdline "%s"                       1.8           kill
//     … : oom_score %d, oom_score_adj %d, VmRSS %lld MiB, cmdline "%s"     1.9–today     kill
//   sending 0 (no-op signal) to process …                                 1.3+ (debug)  self-test, no kill
//   escalating to SIGKILL after %.1f|%.3f seconds                         1.3–today     same kill
//   Killing/sending SIGKILL to the pid just sent SIGTERM                   all           same kill
//   process exited after %.1f seconds / process %d exited after %.3f s    1.3 / 1.8+    confirms
//   process %d did not exit (then "kill failed: Timer expired")           1.8+          confirms: the
//                                                                          signal was sent
//   Could not kill process: %s | userspace_kill: kill() failed, … | kill() failed: %s. Sleeping 1 second
//     | kill failed: %s. Sleeping 1 second | kill failed: %s              1.0/1.1/1.2/1.3-rc1/1.3+  cancels
//                                                                          (also on a bare stderr, after a kill line)
//   Low Memory! At or below sigterm limits (mem: %d %%, swap: %d %%)     1.2           notice (sic: capital M)
//   mem  total: %4d MiB, sending SIGTERM at %2d %%, SIGKILL at %2d %%      1.2           notice (start-up)
//   dryrun, not actually sending any signal                               1.5+          cancels
//   dryrun mode enabled, will not kill anything (until "earlyoom vX")     1.5+          no kills follow
//   Out of memory! avail: … < min: … | Out of memory! mem min: …          1.0 | 1.1     notice
//   Low memory! At or below sigkill|sigterm limits (mem: %d %%, …)        1.2           notice
//   low memory! at or below SIGKILL|SIGTERM limits: mem %d %%|%5.2f%%, … 1.3–today     notice
//   mem avail: … swap free: … | sending SIGTERM when mem <= … (start-up)   1.3–today     notice
//   memory situation has recovered while selecting victim                 1.6.2–today   notice
//   Could not find a process to kill. Sleeping 1 second.                  1.1–today     notice
//   Invoking oom killer: done (-k: the kernel kills and logs it)          0.x–1.1       notice
//
// systemd-oomd — src/oom/oomd-manager.c, oomd-util.c (it kills a whole cgroup)
//   Memory pressure for %s is greater than %lu for more than %u seconds
//     and there was reclaim activity                                       v247          decision (notice)
//   Swap used (%u) / total (%u) is more than %u%%                         v247          decision (notice)
//   Memory pressure for %s is %lu.%02lu%% > %lu.%02lu%% for > %s with
//     reclaim activity                                                     v248–today    decision (notice)
//   Memory used (%u) / total (%u) and swap used (%u) / total (%u) is more
//     than %i.%02i%%                                                       v25x–today    decision (notice)
//   oomd attempting to kill %d with %s                                    v247–today    kill of that pid
//                                                                          (debug level; v247's only kill line)
//   Killed %s due to memory pressure for %s being … with reclaim activity v248–v25x     kill
//   Killed %s due to swap used (%u) / total (%u) being more than …        v248–v25x     kill
//   Killed %s due to memory used (…) / total (…) and swap used (…) / total (…) being more than …
//                                                                          v25x (v252)   kill
//   Marked %s for killing due to memory pressure for %s being …
//   Marked %s for killing due to memory used … and swap used …            newest        kill (it follows
//                                                                          at once, or after prekill hooks)
//   oomd attempting to kill %d with %s, after a Marked line               newest        that cgroup's kill
//                                                                          of that pid (debug level)
//   Considered %d cgroups for killing, top candidates were:               v25x–today    notice
//   Rule '%s' conditions met for cgroup %s for %s, taking action %s       newest        notice
//   Invoking oomd prekill hook … / oomd prekill hook finished for cgroup … newest       notice
//   oomd dry-run: Would have tried to kill %s with recurse=%s |
//     … and all its descendants                                            v247 | newest not a kill
//   Failed to kill any cgroup(s) under %s based on pressure[: %m] | … based on swap      not a kill
//
// PID 1 (systemd, also a user's manager) — src/core/unit.c, about a unit
//   %s: systemd-oomd killed %lu process(es) in this unit.                 v248?–today   kill, unless oomd's
//   %s: systemd-oomd killed some process(es) in this unit.                (v252: both)  own line for the unit
//                                                                          came first (the same kill)
//   %s: A process of this unit has been killed by the OOM killer.         v243–today    notice: the kernel's
//                                                                          own Killed line is that kill
//   %s: Failed with result 'oom-kill'.                                    v243–today    notice
//
// Versions: kernel rows from formats.md and the printk sources; earlyoom rows
// from its tags v0.12…v1.9.0 and master; systemd rows from v247's and
// main's sources and v252's binaries (Debian 12). "v25x" marks the releases
// between, not each checked.

// earlyoom colours its output on a terminal: ESC [ … m.
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
export const plain = (text: string): string => (text.includes('\x1b') ? text.replace(ANSI, '') : text);

export type EarlyoomLine =
  | { kind: 'kill'; pid: number; comm: string; uid: number | null; sigkill: boolean; rssMiB: number | null; oomScoreAdj: number | null }
  | { kind: 'cancel' }
  | { kind: 'confirm' }
  | { kind: 'neutral' }
  | { kind: 'dryrun-on' }
  | { kind: 'start' };

const E_SEND = /^sending (SIGTERM|SIGKILL) to process (\d+)(?: uid (\d+))? "(.*?)": (?:badness|oom_score) -?\d+(.*)$/;
const E_KILL_12 = /^Killing process '(.*)' with signal (\d+), pid: (\d+), badness: -?\d+, VmRSS: (\d+) MiB/;
const E_KILL_11 = /^Killing process: (.*), pid: (\d+), badness: -?\d+, VmRSS: (\d+) MiB/;
const E_KILL_10 = /^Killing process (\d+) (.+)$/;
const E_CANCEL = /^(?:kill failed: (?!Timer expired)|kill\(\) failed: |userspace_kill: kill\(\) failed|Could not kill process|dryrun, not actually sending any signal)/;
const E_NEUTRAL = /error opening pidfd|^killing whole process group|^going to invoke program before killing|timeout waiting for process/;
// Follow-ups that only earlyoom writes: they confirm a pending kill even from a line of unknown origin.
const E_OWN = /^(?:process (?:\d+ )?exited after|process \d+ did not exit|escalating to SIGKILL after|kill_release: |kill failed: Timer expired|[Ll]ow [Mm]emory! [Aa]t or below|mem avail: |mem {1,2}total: )/;

/**
 * What an earlyoom line means; null when it is not earlyoom's (for lines of
 * unknown origin). `afterKill`: the line follows an earlyoom kill line, so
 * its failure wordings ("kill failed: …") are earlyoom's even on a bare
 * stderr without the earlyoom[pid] tag.
 */
export function earlyoomLine(raw: string, fromEarlyoom: boolean, afterKill = false): EarlyoomLine | null {
  const text = plain(raw);
  let m = E_SEND.exec(text);
  if (m) {
    const rest = m[5]!;
    const rss = /VmRSS (\d+) MiB/.exec(rest);
    const adj = /oom_score_adj (-?\d+)/.exec(rest);
    return { kind: 'kill', pid: Number(m[2]), comm: m[4]!, uid: m[3] ? Number(m[3]) : null, sigkill: m[1] === 'SIGKILL', rssMiB: rss ? Number(rss[1]) : null, oomScoreAdj: adj ? Number(adj[1]) : null };
  }
  if ((m = E_KILL_12.exec(text))) {
    const sig = Number(m[2]);
    if (sig === 0) return { kind: 'neutral' };
    return { kind: 'kill', pid: Number(m[3]), comm: m[1]!, uid: null, sigkill: sig === 9, rssMiB: Number(m[4]), oomScoreAdj: null };
  }
  if ((m = E_KILL_11.exec(text))) return { kind: 'kill', pid: Number(m[2]), comm: m[1]!, uid: null, sigkill: false, rssMiB: Number(m[3]), oomScoreAdj: null };
  // The oldest form is too plain to trust from a line of unknown origin.
  if (fromEarlyoom && (m = E_KILL_10.exec(text))) return { kind: 'kill', pid: Number(m[1]), comm: m[2]!, uid: null, sigkill: false, rssMiB: null, oomScoreAdj: null };
  if (E_CANCEL.test(text)) return fromEarlyoom || afterKill || /dryrun/.test(text) ? { kind: 'cancel' } : null;
  if (/^dryrun mode enabled, will not kill anything/.test(text)) return { kind: 'dryrun-on' };
  if (fromEarlyoom && /^earlyoom v?\d/.test(text)) return { kind: 'start' };
  if (E_NEUTRAL.test(text)) return fromEarlyoom ? { kind: 'neutral' } : null;
  if (E_OWN.test(text) || fromEarlyoom) return { kind: 'confirm' };
  return null;
}

export type OomdLine =
  | { kind: 'kill'; path: string }
  | { kind: 'marked'; path: string }
  | { kind: 'attempt'; pid: number }
  | { kind: 'decision' }
  | { kind: 'unit-kill'; unit: string }
  | { kind: 'notice' };

const O_KILLED = /(?:^|: )Killed (\/.*?) due to (?:memory pressure for |swap used |memory used )/;
const O_MARKED = /(?:^|: )Marked (\/.*?) for killing due to (?:memory pressure for |swap used |memory used )/;
const O_ATTEMPT = /oomd attempting to kill (\d+) with /;
const O_DECISION = /^(?:Memory pressure for \/.* is (?:greater than|\d)|Swap used \(\d+\) \/ total \(\d+\) is more than|Memory used \(\d+\) \/ total \(\d+\) and swap used|Rule '.*' conditions met for cgroup )/;
const P_UNIT_OOMD = /^(\S+): systemd-oomd killed (?:\d+|some) process\(es\) in this unit/;
const P_UNIT_KERNEL = /^(\S+): A process of this unit has been killed by the OOM killer/;

/** What a systemd-oomd or PID 1 line means; null when it is neither's. */
export function oomdLine(text: string): OomdLine | null {
  let m = O_KILLED.exec(text);
  if (m) return { kind: 'kill', path: m[1]! };
  if ((m = O_MARKED.exec(text))) return { kind: 'marked', path: m[1]! };
  if ((m = O_ATTEMPT.exec(text))) return { kind: 'attempt', pid: Number(m[1]) };
  if (O_DECISION.test(text)) return { kind: 'decision' };
  if ((m = P_UNIT_OOMD.exec(text))) return { kind: 'unit-kill', unit: m[1]! };
  if (P_UNIT_KERNEL.test(text) || /^oomd dry-run: |^Failed to kill any cgroup|^Considered \d+ cgroups for killing/.test(text)) return { kind: 'notice' };
  return null;
}
