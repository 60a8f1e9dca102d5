// Which watched server an OOM kill belongs to, claiming no more than is
// known. The kernel names the victim by pid and comm and (on 5.x and later)
// by its memory cgroup; systemd-oomd names the unit's cgroup. A kill belongs
// to a watched server only by its pid (with the comm agreeing and, where
// known, its start time); a victim Vigil never watched belongs to the
// watched manager it was a process of — its parent, its process group, its
// systemd unit, or a memory cgroup of that manager's own or its servers' —
// and is named as "a server of <manager>". Never to a server by its name or its cgroup
// alone: a manager swapping models stops one server and starts the next of
// the same name in the same cgroup, and the next one's kill is not the
// first one's.
import path from 'node:path';
import type { OomKill } from '../../common/state.js';
import { isWatchedAlive, type WatchedServer } from '../../common/watch.js';

export type AttributionBy = 'pid' | 'parent' | 'pgrp' | 'unit' | 'memcg';

/** What Vigil knew of the victim process (from the kernel's process events, or discovery's last look). */
export interface VictimFacts {
  ppid: number | null;
  pgrp: number | null;
  /** Field 22 of its stat; null when unknown. */
  startTime: number | null;
  /** Its command line when it was read (at its exec, or a scan); null when never read. */
  argv: string[] | null;
}

export interface WatchAttribution {
  /** The watched server the kill belongs to: the victim itself (`pid`), or the manager it was a process of. */
  id: string;
  by: AttributionBy;
  /** For a victim that is not the server itself: which process it was. */
  victim: { pid: number; comm: string; model: string | null } | null;
}

/** Kernel comms are cut to 15 bytes; earlyoom prints the whole name. */
export function sameComm(a: string, b: string): boolean {
  if (!a || !b) return false;
  return a.slice(0, 15) === b.slice(0, 15);
}

const trim = (p: string): string => p.replace(/\/+$/, '');

/** The unit a cgroup path ends in ('/system.slice/ollama.service' → 'ollama.service'), ignoring user@N.service. */
function unitOfPath(p: string): string | null {
  const parts = trim(p).split('/').filter(Boolean);
  for (let i = parts.length - 1; i >= 0; i--) if (parts[i]!.endsWith('.service') && !/^user@\d+\.service$/.test(parts[i]!)) return parts[i]!;
  return null;
}

/** A cgroup of a manager's own (a unit's, or one made for it): not the root, a slice or a session scope shared with everything else. */
const ownCgroup = (cg: string | null): cg is string => cg !== null && trim(cg) !== '' && !/\.(slice|scope)$/.test(trim(cg));
const within = (inner: string, outer: string): boolean => trim(inner) === trim(outer) || trim(inner).startsWith(`${trim(outer)}/`);

/** A kill logged before the process started (a backlog line, a recycled pid) is not its. */
const startedBy = (kill: OomKill, s: WatchedServer): boolean => kill.time === null || s.startedAt === null || kill.time >= s.startedAt - STARTED_SLACK_MS;
/** startedAt comes from clock ticks (10 ms) and the kernel's boot time in whole seconds. */
const STARTED_SLACK_MS = 2000;
/** Still alive when the kill happened (a manager that ended before cannot have had the victim). */
const aliveAt = (kill: OomKill, s: WatchedServer): boolean => isWatchedAlive(s) || (s.exitedAt !== null && kill.time !== null && s.exitedAt >= kill.time - STARTED_SLACK_MS);

/**
 * `victim(pid)`: what Vigil knew of the killed process; `model(argv)`: the
 * model a command line names. Servers Vigil watches are `all`.
 */
export function attributeWatchedKill(
  kill: OomKill,
  all: readonly WatchedServer[],
  victim: (pid: number) => VictimFacts | null = () => null,
  model: (argv: string[]) => string | null = () => null,
): WatchAttribution | null {
  const facts = kill.pid > 0 ? victim(kill.pid) : null;
  if (kill.pid > 0) {
    // The victim itself: same pid, the comm agrees (systemd-oomd names the unit, not the comm), started before the kill, same start time where known.
    for (const s of all)
      if (s.pid === kill.pid && (sameComm(s.comm, kill.comm) || kill.killer === 'systemd-oomd') && startedBy(kill, s) && (facts?.startTime == null || facts.startTime === s.startTime))
        return { id: s.id, by: 'pid', victim: null };
  }
  const managers = all.filter((s) => s.pid !== kill.pid && aliveAt(kill, s) && startedBy(kill, s));
  const named = (s: WatchedServer, by: AttributionBy): WatchAttribution => ({ id: s.id, by, victim: { pid: kill.pid, comm: kill.comm, model: facts?.argv ? model(facts.argv) : null } });
  if (kill.pid > 0) {
    const parent = managers.find((s) => (facts?.ppid != null && facts.ppid === s.pid) || s.children.some((c) => c.pid === kill.pid && sameComm(c.comm, kill.comm)));
    if (parent) return named(parent, 'parent');
    const group = facts?.pgrp != null && facts.pgrp > 1 ? managers.find((s) => s.pid === facts.pgrp) : undefined;
    if (group) return named(group, 'pgrp');
  }
  const cg = kill.memcg;
  if (cg && !cg.endsWith('…')) {
    const unit = unitOfPath(cg);
    if (unit) {
      const inUnit = managers.filter((s) => s.unit?.name === unit && (s.cgroup === null || within(cg, s.cgroup)));
      // The unit's top server (whose manager is not watched) answers for a process of its unit.
      const top = inUnit.find((s) => !s.manager?.watchedId) ?? inUnit[0];
      if (top) return kill.pid > 0 ? named(top, 'unit') : { id: top.id, by: 'unit', victim: null };
    }
    // A manager's cgroups: its own, and those its servers ran in (a swap's servers in a cgroup of their own).
    const cgroupsOf = (m: WatchedServer): string[] => [m, ...all.filter((s) => s.manager?.watchedId === m.id)].map((s) => s.cgroup).filter(ownCgroup);
    const owner = managers.filter((s) => isWatchedAlive(s) && cgroupsOf(s).some((c) => within(cg, c)));
    // Only when one manager owns that cgroup: otherwise it is nobody's to claim.
    if (owner.length === 1 && kill.pid > 0) return named(owner[0]!, 'memcg');
  }
  return null;
}

/** "a server of llama-swap (pid 4242, llama-server, model qwen-7b.gguf)": a victim named by the manager it belonged to. */
export function describeVictim(manager: Pick<WatchedServer, 'label' | 'comm' | 'pid'>, v: NonNullable<WatchAttribution['victim']>): string {
  const model = v.model ? `, model ${path.posix.basename(v.model)}` : '';
  return `a server of ${manager.label} ${manager.pid} (pid ${v.pid}, ${v.comm || 'unknown'}${model})`;
}
