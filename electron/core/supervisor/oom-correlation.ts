// Matching OOM-kill notices to exits. A notice (kernel log, journal, or the
// backend cgroup's oom_kill counter) and the exit it explains arrive in
// either order, and a notice may name another process of the backend's
// tree. Pure bookkeeping: the supervisor acts on what this decides.
import type { ExitInfo, OomKill } from '../../common/state.js';

/** A notice this long after the exit still amends it; one this long before an exit still explains it. */
export const OOM_LATE_MS = 10_000;

/**
 * What a notice means: it explains the last exit (`amend`), the live
 * leader's exit to come (`early`: remembered until then), or the death of
 * another process of the tree (`tree`).
 */
export type KillRoute = 'amend' | 'early' | 'tree';

export class OomCorrelation {
  private early: { kill: OomKill; at: number } | null = null;

  route(kill: OomKill, lastExit: ExitInfo | null, livePid: number | null, now = Date.now()): KillRoute {
    if (lastExit && lastExit.pid === kill.pid && now - lastExit.time < OOM_LATE_MS) return 'amend';
    if (livePid === kill.pid) {
      this.early = { kill, at: now };
      return 'early';
    }
    return 'tree';
  }

  /** The notice for `pid` received before its exit, if recent enough to explain it. */
  recent(pid: number, now = Date.now()): OomKill | null {
    const e = this.early;
    return e && e.kill.pid === pid && now - e.at < OOM_LATE_MS ? e.kill : null;
  }

  /**
   * The cgroup counter rose between exits: the pid to record as the victim
   * (the live leader, else the last exit's), or null when a notice already
   * said so.
   */
  counterVictim(livePid: number | null, lastExit: ExitInfo | null, now = Date.now()): number | null {
    const pid = livePid ?? lastExit?.pid ?? null;
    if (pid === null || this.recent(pid, now)) return null;
    if (livePid === null && lastExit?.pid === pid && lastExit.oomKilled) return null;
    return pid;
  }

  /**
   * What explains the exit of `pid`: a recent notice, the counter (when it
   * rose since the last look), or nothing. Only a recent notice counts: a
   * counter rise may come from another process of the tree while the leader
   * lives on for hours and then stops for another reason. Forgets the notice.
   */
  explainExit(pid: number, counterRose: boolean, now = Date.now()): OomKill | 'counter' | null {
    const early = this.recent(pid, now);
    this.early = null;
    return early ?? (counterRose ? 'counter' : null);
  }

  /** A new process: notices about the old one are void. */
  reset(): void {
    this.early = null;
  }
}
