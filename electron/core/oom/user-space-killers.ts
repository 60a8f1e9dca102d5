// Kills by earlyoom and systemd-oomd, from their lines (wordings.ts) and
// the order they write them in:
// - earlyoom says whom it signals before it signals: the kill is held until
//   earlyoom's next line shows the signal went out (a dry run or a failed
//   kill() cancels it), or until flush() / the watcher's grace period.
// - systemd-oomd kills a cgroup. Its debug lines name each pid; a `Killed …`
//   or `Marked … for killing` line (the release says which) makes one kill
//   per named pid, or one with pid 0. Named pids that no such line claims
//   (v247 logs only those) are kills of their own when the next decision
//   starts or at flush().
// - The newest systemd-oomd marks a cgroup first ("Marked … for killing"),
//   runs its prekill hooks, then kills and names each pid at debug level:
//   pids named after a Marked line are that cgroup's kills; a Marked line
//   that no pid follows is one kill with pid 0 once oomd's next decision,
//   kill or unit line arrives, or at flush().
// - PID 1's "systemd-oomd killed N process(es) in this unit" is that same
//   kill when oomd's line for the unit came first, else a kill by itself.
import type { OomKill } from '../../common/state.js';
import type { NormalisedLine } from './line-shapes.js';
import { earlyoomLine, oomdLine } from './wordings.js';

export type KillFields = { pid: number; comm: string; scope: 'global' | 'memcg'; constraint: string | null; memcg: string | null; uid: number | null; trigger: OomKill['trigger'] };
export type MakeKill = (line: NormalisedLine, idText: string, f: KillFields, killer: OomKill['killer']) => OomKill;

const ESCALATION_MS = 60_000;
/** PID 1 reports an oomd kill once the unit's cgroup empties: within seconds, a few lines later. */
const UNIT_ECHO_MS = 120_000;
const UNIT_ECHO_LINES = 500;

interface PendingEarlyoom {
  kill: OomKill;
  since: number;
}

export class UserSpaceKillers {
  private pending: PendingEarlyoom | null = null;
  private lastEarlyoom: { pid: number; ms: number | null } | null = null;
  /** earlyoom instances (by sender pid) started with --dryrun. */
  private dryRun = new Set<string>();
  private attempts: { pid: number; line: NormalisedLine; since: number }[] = [];
  /** The cgroup of the newest Marked line, until oomd moves on; claimed once a pid of it is named. */
  private marked: { line: NormalisedLine; path: string; unit: string; since: number; claimed: boolean } | null = null;
  private recentUnits = new Map<string, { ms: number | null; n: number }>();
  private lineNo = 0;

  constructor(private readonly make: MakeKill) {}

  /** Wall-clock ms since a kill waits for its confirming line, or null. */
  pendingSince(): number | null {
    const a = this.pending?.since ?? null;
    const b = this.attempts[0]?.since ?? null;
    const c = this.marked && !this.marked.claimed ? this.marked.since : null;
    const all = [a, b, c].filter((x): x is number => x !== null);
    return all.length ? Math.min(...all) : null;
  }

  flush(): OomKill[] {
    const out: OomKill[] = [];
    if (this.pending) out.push(this.pending.kill);
    this.pending = null;
    out.push(...this.settleMarked());
    out.push(...this.claimAttempts(null));
    return out;
  }

  /** The kills this line completes; null when the line is neither earlyoom's nor systemd's. */
  push(line: NormalisedLine): OomKill[] | null {
    this.lineNo++;
    if (line.source === 'earlyoom' || line.source === 'other') {
      const r = this.earlyoom(line);
      if (r) return r;
    }
    if (line.source === 'systemd-oomd' || line.source === 'other') return this.oomd(line);
    return null;
  }

  private earlyoom(line: NormalisedLine): OomKill[] | null {
    const e = earlyoomLine(line.text, line.source === 'earlyoom', this.pending !== null);
    if (!e) return null;
    const out: OomKill[] = [];
    const instance = String(line.pid ?? '?');
    const settle = () => {
      if (this.pending) out.push(this.pending.kill);
      this.pending = null;
    };
    switch (e.kind) {
      case 'cancel':
        this.pending = null;
        return out;
      case 'neutral':
        return out;
      case 'dryrun-on':
        this.dryRun.add(instance);
        this.pending = null;
        return out;
      case 'start':
        this.dryRun.delete(instance);
        settle();
        return out;
      case 'confirm':
        settle();
        return out;
      case 'kill': {
        const ms = line.time ?? null;
        const last = this.lastEarlyoom;
        this.lastEarlyoom = { pid: e.pid, ms };
        // SIGKILL right after SIGTERM to the same pid is earlyoom escalating, not a second kill.
        if (e.sigkill && last && last.pid === e.pid && (ms === null || last.ms === null || Math.abs(ms - last.ms) < ESCALATION_MS)) return out;
        settle();
        if (this.dryRun.has(instance)) return out;
        const kill = this.make(line, line.text, { pid: e.pid, comm: e.comm, scope: 'global', constraint: null, memcg: null, uid: e.uid, trigger: null }, 'earlyoom');
        kill.rssKb = e.rssMiB === null ? null : e.rssMiB * 1024;
        kill.oomScoreAdj = e.oomScoreAdj;
        this.pending = { kill, since: Date.now() };
        return out;
      }
    }
  }

  private oomd(line: NormalisedLine): OomKill[] | null {
    const o = oomdLine(line.text);
    if (!o) return null;
    switch (o.kind) {
      case 'attempt': {
        const m = this.marked;
        if (m) {
          m.claimed = true;
          return [this.make(line, `${m.line.text}#${o.pid}`, { pid: o.pid, comm: m.unit, scope: 'memcg', constraint: null, memcg: m.path, uid: null, trigger: null }, 'systemd-oomd')];
        }
        this.attempts.push({ pid: o.pid, line, since: Date.now() });
        return [];
      }
      case 'decision':
        // A new round: pids named in the last one and never claimed were killed then.
        return [...this.settleMarked(), ...this.claimAttempts(null)];
      case 'kill': {
        const unit = o.path.split('/').filter(Boolean).pop() ?? o.path;
        this.recentUnits.set(unit, { ms: line.time ?? null, n: this.lineNo });
        return [...this.settleMarked(), ...this.claimAttempts({ line, path: o.path, unit })];
      }
      case 'marked': {
        const out = [...this.settleMarked(), ...this.claimAttempts(null)];
        const unit = o.path.split('/').filter(Boolean).pop() ?? o.path;
        this.recentUnits.set(unit, { ms: line.time ?? null, n: this.lineNo });
        this.marked = { line, path: o.path, unit, since: Date.now(), claimed: false };
        return out;
      }
      case 'unit-kill': {
        const out = this.settleMarked();
        const seen = this.recentUnits.get(o.unit);
        const echo = seen && this.lineNo - seen.n <= UNIT_ECHO_LINES && (seen.ms === null || line.time == null || Math.abs(line.time - seen.ms) <= UNIT_ECHO_MS);
        this.recentUnits.delete(o.unit);
        if (echo) return out;
        return [...out, this.make(line, line.text, { pid: 0, comm: o.unit, scope: 'memcg', constraint: null, memcg: null, uid: null, trigger: null }, 'systemd-oomd')];
      }
      case 'notice':
        return [];
    }
  }

  /** The kill of a Marked cgroup whose pids were never named (oomd logs them at debug level only). */
  private settleMarked(): OomKill[] {
    const m = this.marked;
    this.marked = null;
    if (!m || m.claimed) return [];
    return [this.make(m.line, `${m.line.text}#0`, { pid: 0, comm: m.unit, scope: 'memcg', constraint: null, memcg: m.path, uid: null, trigger: null }, 'systemd-oomd')];
  }

  /** Kills for the pids named so far: of the cgroup `by` names, or (null) each on its own. */
  private claimAttempts(by: { line: NormalisedLine; path: string; unit: string } | null): OomKill[] {
    const named = this.attempts;
    this.attempts = [];
    if (by) {
      const pids = named.length ? named.map((a) => a.pid) : [0];
      return pids.map((pid) => this.make(by.line, `${by.line.text}#${pid}`, { pid, comm: by.unit, scope: 'memcg', constraint: null, memcg: by.path, uid: null, trigger: null }, 'systemd-oomd'));
    }
    return named.map((a) => this.make(a.line, a.line.text, { pid: a.pid, comm: '', scope: 'memcg', constraint: null, memcg: null, uid: null, trigger: null }, 'systemd-oomd'));
  }
}
